/**
 * What the writer accepts as data, read structurally so that neither tfjs nor @trainkit/core is a dependency:
 * numbers, nested arrays, typed arrays, `{ data, shape }`, and anything with `dataSync()` (a tfjs tensor) or only
 * `data()` (read asynchronously).
 */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

export interface SyncTensorLike {
  dataSync(): ArrayLike<number>;
  readonly shape?: readonly number[];
  readonly dtype?: string;
}

export interface AsyncTensorLike {
  data(): Promise<ArrayLike<number>>;
  readonly shape?: readonly number[];
  readonly dtype?: string;
}

/** A flat buffer with its shape, row-major; `dtype: 'uint8'` (or a Uint8Array) marks 0-255 image data. */
export interface ShapedArray {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly dtype?: string;
}

export type NestedNumbers = number | boolean | readonly NestedNumbers[];

export type TensorInput = NestedNumbers | TypedArray | SyncTensorLike | AsyncTensorLike | ShapedArray;

/** Data read from a TensorInput: flat values, the shape, and whether it was uint8 (images: 0-255, not 0-1). */
export interface Values {
  data: ArrayLike<number>;
  shape: number[];
  uint8: boolean;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

function fromFlat(data: ArrayLike<number>, shape: readonly number[] | undefined, dtype: string | undefined): Values {
  const uint8 =
    dtype !== undefined ? dtype === 'uint8' : data instanceof Uint8Array || data instanceof Uint8ClampedArray;
  return { data, shape: shape ? [...shape] : [data.length], uint8 };
}

/** True when the input can only be read with an asynchronous data() call. */
export function needsAsyncRead(x: unknown): boolean {
  return isObject(x) && typeof x.dataSync !== 'function' && typeof x.data === 'function';
}

/** Reads an input synchronously; throws for inputs that only offer data() (check needsAsyncRead first). */
export function readValues(x: TensorInput, what: string): Values {
  if (typeof x === 'number') return { data: [x], shape: [], uint8: false };
  if (typeof x === 'boolean') return { data: [x ? 1 : 0], shape: [], uint8: false };
  if (isTypedArray(x)) return fromFlat(x, undefined, undefined);
  if (Array.isArray(x)) return fromNested(x, what);
  if (isObject(x)) {
    if (typeof x.dataSync === 'function') {
      const t = x as SyncTensorLike;
      return fromFlat(t.dataSync(), t.shape, t.dtype);
    }
    if (typeof x.data === 'function') {
      throw new TypeError(`${what}: this input can only be read asynchronously (data()); use readValuesAsync`);
    }
    if (x.data !== undefined && Array.isArray(x.shape)) {
      const s = x as unknown as ShapedArray;
      const size = s.shape.reduce((a, b) => a * b, 1);
      if (size !== s.data.length) {
        throw new RangeError(`${what}: shape [${s.shape.join(', ')}] holds ${size} values, data has ${s.data.length}`);
      }
      return fromFlat(s.data, s.shape, s.dtype);
    }
  }
  throw new TypeError(
    `${what}: expected a number, an array, a typed array, {data, shape} or a tensor (dataSync/data), got ${describe(x)}`,
  );
}

export async function readValuesAsync(x: TensorInput, what: string): Promise<Values> {
  if (needsAsyncRead(x)) {
    const t = x as AsyncTensorLike;
    return fromFlat(await t.data(), t.shape, t.dtype);
  }
  return readValues(x, what);
}

/** A single number from a number, a one-element array or a one-element tensor (PyTorch squeezes to 0-d). */
export function readScalar(x: TensorInput, what: string): number {
  if (typeof x === 'number') return x;
  return scalarOf(readValues(x, what), what);
}

export function scalarOf(v: Values, what: string): number {
  if (v.data.length !== 1) {
    throw new RangeError(`${what}: expected one value, got ${v.data.length} (shape [${v.shape.join(', ')}])`);
  }
  return v.data[0]!;
}

function fromNested(x: readonly NestedNumbers[], what: string): Values {
  const shape: number[] = [];
  let level: unknown = x;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  let k = 0;
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node === 'number') data[k++] = node;
      else if (typeof node === 'boolean') data[k++] = node ? 1 : 0;
      else throw new TypeError(`${what}: expected a number at ${path}, got ${describe(node)}`);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new RangeError(
        `${what}: ragged array: expected ${shape[depth]} elements at ${path || 'the top'}, got ${Array.isArray(node) ? node.length : describe(node)}`,
      );
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(x, 0, '');
  return { data, shape, uint8: false };
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (isObject(x)) return `an object with keys ${Object.keys(x).slice(0, 5).join(', ') || '(none)'}`;
  return `${typeof x} ${String(x)}`;
}
