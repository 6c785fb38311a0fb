import { tf } from '@trainkit/core';
import {
  type ArrayTensor,
  describeSample,
  type ImageArray,
  isArrayTensor,
  isImageArray,
  shapeSize,
  type TypedArray,
} from './image-array.js';

/**
 * What the default collate makes of a sample type: the batched counterpart, PyTorch's default_collate in types.
 * A sample type that is any or unknown gives any, so untyped datasets still destructure (`const [x, y] = batch`).
 */
export type Collated<T> = 0 extends 1 & T
  ? // biome-ignore lint/suspicious/noExplicitAny: an untyped sample gives an untyped batch
    any
  : unknown extends T
    ? // biome-ignore lint/suspicious/noExplicitAny: an untyped sample gives an untyped batch
      any
    : T extends number
      ? tf.Tensor1D
      : T extends boolean
        ? tf.Tensor1D
        : T extends string
          ? string[]
          : T extends ImageArray
            ? tf.Tensor4D
            : T extends ArrayTensor | tf.Tensor
              ? tf.Tensor
              : T extends readonly unknown[]
                ? { -readonly [K in keyof T]: Collated<T[K]> }
                : T extends object
                  ? { [K in keyof T]: Collated<T[K]> }
                  : never;

// i / 255 for every byte, computed once: a lookup is faster than a division and gives torchvision's exact float32.
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/**
 * Stacks a list of samples into a batch, like torch.utils.data.default_collate, recursing into tuples and
 * objects:
 * - `ImageArray` (uint8 HWC) → one NCHW float32 tensor scaled to [0, 1], as `toTensor` would per sample;
 * - `ArrayTensor` → one tensor of shape [N, ...shape]: float32 for float arrays, int32 for integer arrays;
 * - `tf.Tensor` → tf.stack (the slow path: per-sample tensors);
 * - numbers → an int32 tensor when all are integers (class labels), else float32; booleans → bool;
 * - strings → a string array.
 * Every batch is built in one typed array and uploaded as one tensor.
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  return collate(samples as readonly unknown[], 'batch') as Collated<T>;
}

function collate(samples: readonly unknown[], where: string): unknown {
  if (samples.length === 0) throw new Error('defaultCollate: cannot collate an empty list of samples');
  const first = samples[0];
  if (typeof first === 'number') return collateNumbers(samples, where);
  if (typeof first === 'boolean') return tf.tensor1d(samples as boolean[], 'bool');
  if (typeof first === 'string') return samples.slice();
  if (isImageArray(first)) return collateImages(samples, where);
  if (isArrayTensor(first)) return collateArrays(samples, where);
  if (first instanceof tf.Tensor) return tf.stack(samples as tf.Tensor[]);
  if (Array.isArray(first)) {
    const n = first.length;
    for (let k = 0; k < samples.length; k++) {
      const s = samples[k];
      if (!Array.isArray(s) || s.length !== n) {
        throw new Error(
          `defaultCollate: sample 0 of the ${where} is a tuple of ${n}, but sample ${k} is ${describeSample(s)}`,
        );
      }
    }
    return first.map((_, j) =>
      collate(
        samples.map((s) => (s as unknown[])[j]),
        `${where}[${j}]`,
      ),
    );
  }
  if (typeof first === 'object' && first !== null && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first))
      out[key] = collate(
        samples.map((s) => (s as Record<string, unknown>)[key]),
        `${where}.${key}`,
      );
    return out;
  }
  throw new TypeError(
    `defaultCollate: ${where} holds ${describeSample(first)}; expected ImageArray, ArrayTensor, tf.Tensor, number, boolean, string, or tuples/objects of those`,
  );
}

function collateNumbers(samples: readonly unknown[], where: string): tf.Tensor1D {
  let integers = true;
  for (let k = 0; k < samples.length; k++) {
    const v = samples[k];
    if (typeof v !== 'number')
      throw new Error(`defaultCollate: ${where} sample 0 is a number but sample ${k} is ${describeSample(v)}`);
    if (!Number.isInteger(v) || v > 2147483647 || v < -2147483648) integers = false;
  }
  const nums = samples as readonly number[];
  return integers ? tf.tensor1d(Int32Array.from(nums), 'int32') : tf.tensor1d(Float32Array.from(nums), 'float32');
}

function collateImages(samples: readonly unknown[], where: string): tf.Tensor4D {
  const first = samples[0] as ImageArray;
  const { height: h, width: w, channels: c } = first;
  const hw = h * w;
  const size = hw * c;
  const out = new Float32Array(samples.length * size);
  for (let n = 0; n < samples.length; n++) {
    const s = samples[n];
    if (!isImageArray(s) || s.height !== h || s.width !== w || s.channels !== c) {
      throw new Error(
        `defaultCollate: ${where} sample 0 is ImageArray ${h}×${w}×${c} but sample ${n} is ${describeSample(s)}; resize or crop to one size`,
      );
    }
    const src = s.data;
    const base = n * size;
    if (c === 1) {
      for (let p = 0; p < hw; p++) out[base + p] = BYTE_TO_UNIT[src[p]!]!;
    } else if (c === 3) {
      const g = base + hw;
      const b = base + 2 * hw;
      for (let p = 0, q = 0; p < hw; p++, q += 3) {
        out[base + p] = BYTE_TO_UNIT[src[q]!]!;
        out[g + p] = BYTE_TO_UNIT[src[q + 1]!]!;
        out[b + p] = BYTE_TO_UNIT[src[q + 2]!]!;
      }
    } else {
      for (let p = 0; p < hw; p++) {
        for (let ch = 0; ch < c; ch++) out[base + ch * hw + p] = BYTE_TO_UNIT[src[p * c + ch]!]!;
      }
    }
  }
  return tf.tensor4d(out, [samples.length, c, h, w], 'float32');
}

function isFloatArray(a: TypedArray): boolean {
  return a instanceof Float32Array || a instanceof Float64Array;
}

function collateArrays(samples: readonly unknown[], where: string): tf.Tensor {
  const first = samples[0] as ArrayTensor;
  const shape = first.shape;
  const size = shapeSize(shape);
  const float = isFloatArray(first.data);
  const out = float ? new Float32Array(samples.length * size) : new Int32Array(samples.length * size);
  for (let n = 0; n < samples.length; n++) {
    const s = samples[n];
    if (!isArrayTensor(s) || s.shape.length !== shape.length || s.shape.some((d, i) => d !== shape[i])) {
      throw new Error(
        `defaultCollate: ${where} sample 0 is ArrayTensor [${shape.join(', ')}] but sample ${n} is ${describeSample(s)}`,
      );
    }
    if (s.data.length !== size) {
      throw new Error(
        `defaultCollate: ${where} sample ${n} has ${s.data.length} values but its shape [${shape.join(', ')}] needs ${size}`,
      );
    }
    if (isFloatArray(s.data) !== float) {
      throw new Error(
        `defaultCollate: ${where} mixes float and integer arrays (sample 0: ${first.data.constructor.name}, sample ${n}: ${s.data.constructor.name})`,
      );
    }
    out.set(s.data, n * size);
  }
  return tf.tensor(out, [samples.length, ...shape], float ? 'float32' : 'int32');
}
