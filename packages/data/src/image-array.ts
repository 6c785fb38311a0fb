/** The typed arrays a sample may hold its values in. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

/**
 * An image as PIL or a numpy array holds it: `height × width × channels` bytes, row-major (HWC), values 0–255.
 * Datasets return these; `toTensor` turns one into a CHW float `ArrayTensor`. Built-in datasets hand out views
 * into their own memory, so transforms return new arrays and never write into their input.
 */
export interface ImageArray {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/**
 * A tensor's values in a typed array, row-major, with its shape: what `toTensor` returns (shape `[C, H, W]`).
 * Keeping samples as typed arrays lets the DataLoader collate a whole batch into one buffer and upload it as one
 * tf tensor, instead of creating and stacking a tensor per sample.
 */
export interface ArrayTensor<A extends TypedArray = TypedArray> {
  data: A;
  shape: number[];
}

export function isImageArray(x: unknown): x is ImageArray {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Partial<ImageArray>;
  return (
    ArrayBuffer.isView(o.data) &&
    typeof o.height === 'number' &&
    typeof o.width === 'number' &&
    typeof o.channels === 'number'
  );
}

export function isArrayTensor(x: unknown): x is ArrayTensor {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Partial<ArrayTensor>;
  return ArrayBuffer.isView(o.data) && Array.isArray(o.shape);
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Describes a sample's layout for error messages: "ImageArray 32×32×3" or "ArrayTensor [3, 32, 32]". */
export function describeSample(x: unknown): string {
  if (isImageArray(x)) return `ImageArray ${x.height}×${x.width}×${x.channels}`;
  if (isArrayTensor(x)) return `ArrayTensor [${x.shape.join(', ')}]`;
  if (Array.isArray(x)) return `array of ${x.length}`;
  if (x === null) return 'null';
  return typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
}
