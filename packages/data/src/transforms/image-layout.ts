import {
  type ArrayTensor,
  describeSample,
  type ImageArray,
  isArrayTensor,
  isImageArray,
  type TypedArray,
} from '../image-array.js';

/** An image transform's input: a uint8 HWC ImageArray, or an ArrayTensor [..., H, W] (CHW after toTensor). */
export type ImageLike = ImageArray | ArrayTensor;

/**
 * Both layouts as `planes` stacked `height × width` grids of pixels that hold `interleaved` values each: HWC is
 * one plane of C interleaved values, CHW is C planes of one value. The spatial transforms are written once
 * against this view.
 */
export interface Layout {
  planes: number;
  height: number;
  width: number;
  interleaved: number;
}

export function layoutOf(x: ImageLike, what: string): Layout {
  if (isImageArray(x)) {
    const { height, width, channels } = x;
    if (x.data.length !== height * width * channels) {
      throw new Error(
        `${what}: ImageArray ${height}×${width}×${channels} needs ${height * width * channels} bytes, got ${x.data.length}`,
      );
    }
    return { planes: 1, height, width, interleaved: channels };
  }
  if (isArrayTensor(x)) {
    const s = x.shape;
    if (s.length < 2) throw new Error(`${what}: expected an ArrayTensor of shape [..., H, W], got [${s.join(', ')}]`);
    const height = s[s.length - 2]!;
    const width = s[s.length - 1]!;
    let planes = 1;
    for (let i = 0; i < s.length - 2; i++) planes *= s[i]!;
    if (x.data.length !== planes * height * width) {
      throw new Error(
        `${what}: ArrayTensor [${s.join(', ')}] needs ${planes * height * width} values, got ${x.data.length}`,
      );
    }
    return { planes, height, width, interleaved: 1 };
  }
  throw new TypeError(`${what}: expected an ImageArray or ArrayTensor, got ${describeSample(x)}`);
}

/** The same kind of image as `like`, with new data and spatial size. */
export function withData<T extends ImageLike>(like: T, data: TypedArray, height: number, width: number): T {
  if (isImageArray(like)) return { data: data as Uint8Array, height, width, channels: like.channels } as T;
  const shape = (like as ArrayTensor).shape.slice();
  shape[shape.length - 2] = height;
  shape[shape.length - 1] = width;
  return { data, shape } as T;
}

export function allocLike(data: TypedArray, length: number): TypedArray {
  // the two common cases without a dynamic constructor lookup, which V8 cannot optimise as well
  if (data instanceof Uint8Array) return new Uint8Array(length);
  if (data instanceof Float32Array) return new Float32Array(length);
  return new (data.constructor as new (n: number) => TypedArray)(length);
}

/** `[height, width]` from torchvision's size argument: an int means a square. */
export function sizePair(size: number | readonly [number, number], what: string): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0) {
    throw new Error(`${what}: size should be a positive integer or [height, width], got ${JSON.stringify(size)}`);
  }
  return [h, w];
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
