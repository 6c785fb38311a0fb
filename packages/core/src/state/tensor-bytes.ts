import type { tf } from '../tf.js';
import { dtypeSize, type SafetensorsDtype } from './safetensors-dtype.js';
import type { RawTensor } from './safetensors-format.js';

type TfData =
  | { dtype: 'float32'; values: Float32Array }
  | { dtype: 'int32'; values: Int32Array }
  | { dtype: 'bool'; values: Uint8Array };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A tfjs tensor's values as safetensors bytes: float32 → F32, bool → BOOL, and int32 → I64, since PyTorch's
 * integer tensors (BatchNorm's num_batches_tracked, class labels) are int64 and load_state_dict copies by dtype.
 */
export async function toRaw(t: tf.Tensor): Promise<RawTensor> {
  const shape = [...t.shape];
  if (t.dtype === 'float32') return { dtype: 'F32', shape, data: littleEndian(await t.data<'float32'>(), 4) };
  if (t.dtype === 'bool') return { dtype: 'BOOL', shape, data: new Uint8Array(await t.data<'bool'>()) };
  if (t.dtype === 'int32') {
    const v = await t.data<'int32'>();
    const wide = new Int32Array(v.length * 2);
    for (let i = 0; i < v.length; i++) {
      wide[2 * i] = v[i]!;
      wide[2 * i + 1] = v[i]! >> 31; // sign extension: the high word of the int64
    }
    return { dtype: 'I64', shape, data: littleEndian(wide, 4) };
  }
  throw new Error(`cannot store a ${t.dtype} tensor in safetensors (float32, int32 and bool are supported)`);
}

/**
 * Safetensors bytes as a tfjs dtype and values: floats (F64, F32, F16, BF16) become float32, integers int32 (an I64,
 * U32 or U64 value outside int32's range is an error naming it), BOOL bool. `fail` builds the error for a value.
 */
export function fromRaw(raw: RawTensor, fail: (detail: string) => Error): TfData {
  const n = raw.data.byteLength / dtypeSize(raw.dtype);
  const view = <T>(Ctor: new (b: ArrayBuffer) => T): T => {
    // a fresh, aligned copy: the file's offsets need not be aligned, and tfjs may keep what it is given. (Not
    // .slice(): on a Node Buffer that is a view sharing the whole file's memory.)
    const copy = new Uint8Array(raw.data);
    if (!LITTLE_ENDIAN) swapBytes(copy, dtypeSize(raw.dtype));
    return new Ctor(copy.buffer);
  };
  const checkedInt = (x: number | bigint, i: number): number => {
    if (x < -2147483648 || x > 2147483647)
      throw fail(`element ${i} is ${x}, outside int32, the widest integer tfjs holds`);
    return Number(x);
  };
  switch (raw.dtype) {
    case 'F32':
      return { dtype: 'float32', values: view(Float32Array) };
    case 'F64':
      return { dtype: 'float32', values: Float32Array.from(view(Float64Array)) };
    case 'F16':
      return { dtype: 'float32', values: Float32Array.from(view(Uint16Array), halfToFloat) };
    case 'BF16': {
      const bits = Uint32Array.from(view(Uint16Array), (h) => h << 16);
      return { dtype: 'float32', values: new Float32Array(bits.buffer) };
    }
    case 'I64':
    case 'U64':
    case 'U32': {
      const src =
        raw.dtype === 'I64' ? view(BigInt64Array) : raw.dtype === 'U64' ? view(BigUint64Array) : view(Uint32Array);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = checkedInt(src[i]!, i);
      return { dtype: 'int32', values: out };
    }
    case 'I32':
      return { dtype: 'int32', values: view(Int32Array) };
    case 'I16':
      return { dtype: 'int32', values: Int32Array.from(view(Int16Array)) };
    case 'U16':
      return { dtype: 'int32', values: Int32Array.from(view(Uint16Array)) };
    case 'I8':
      return { dtype: 'int32', values: Int32Array.from(view(Int8Array)) };
    case 'U8':
      return { dtype: 'int32', values: Int32Array.from(view(Uint8Array)) };
    case 'BOOL':
      return { dtype: 'bool', values: view(Uint8Array) };
    default:
      throw fail(`dtype ${raw.dtype satisfies SafetensorsDtype} is not supported (tfjs has no 8-bit floats)`);
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function littleEndian(values: Float32Array | Int32Array, size: number): Uint8Array {
  const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  if (!LITTLE_ENDIAN) swapBytes(bytes, size);
  return bytes;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}
