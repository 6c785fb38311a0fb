import { antialiasResample } from './antialias-resample.js';
import { allocLike, type ImageLike, layoutOf, roundHalfEven, withData } from './image-layout.js';

export type Interpolation = 'bilinear' | 'nearest';

export interface ResizeOptions {
  /** 'bilinear' (default, as torchvision) or 'nearest' */
  interpolation?: Interpolation;
  /** with an int size: the longer edge is capped at this, as torchvision's max_size */
  maxSize?: number;
  /**
   * bilinear only: a triangle filter stretched over every input pixel an output pixel covers when shrinking, as PIL
   * always resizes (torchvision's Resize on PIL images) and torchvision's tensor Resize with antialias=True. uint8
   * images then get PIL's exact arithmetic; float images torch's. Default false: torchvision 0.14's tensor Resize.
   */
  antialias?: boolean;
}

/** torchvision's output size: an int matches the shorter edge (the longer one truncated), [h, w] is exact. */
export function resizedSize(
  height: number,
  width: number,
  size: number | readonly [number, number],
  maxSize?: number,
): [number, number] {
  if (typeof size !== 'number') return [size[0], size[1]];
  const [short, long] = width <= height ? [width, height] : [height, width];
  let newShort = size;
  let newLong = Math.trunc((size * long) / short);
  if (maxSize !== undefined) {
    if (maxSize <= size)
      throw new Error(`resize: maxSize = ${maxSize} must be greater than the requested size ${size}`);
    if (newLong > maxSize) {
      newShort = Math.trunc((maxSize * newShort) / newLong);
      newLong = maxSize;
    }
  }
  return width <= height ? [newLong, newShort] : [newShort, newLong];
}

// Per output index along one axis: the two source indices and their weights, as PyTorch's upsample_bilinear2d
// with align_corners=False computes them (half-pixel centres, negative source positions clamped to 0).
function linearTaps(outSize: number, inSize: number): { i0: Int32Array; i1: Int32Array; w1: Float64Array } {
  const scale = inSize / outSize;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, scale * (o + 0.5) - 0.5);
    const a = Math.min(Math.floor(src), inSize - 1);
    i0[o] = a;
    i1[o] = a < inSize - 1 ? a + 1 : a;
    w1[o] = Math.min(1, src - a);
  }
  return { i0, i1, w1 };
}

// PyTorch's legacy 'nearest': floor(o × in/out) in float32, clamped.
function nearestTaps(outSize: number, inSize: number): Int32Array {
  const scale = Math.fround(inSize / outSize);
  const idx = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) idx[o] = Math.min(Math.floor(Math.fround(o * scale)), inSize - 1);
  return idx;
}

/**
 * Resizes like torchvision.transforms.Resize on a tensor with antialias=False, i.e.
 * torch.nn.functional.interpolate(mode='bilinear', align_corners=False). Downscaling by large factors therefore
 * aliases (torchvision ≥ 0.17 antialiases by default; PIL always does): `antialias: true` resizes as PIL does. Arithmetic is float64, so results agree
 * with PyTorch's float32 to rounding. uint8 images are interpolated as floats, rounded half to even and clamped,
 * like torchvision's uint8 path.
 */
export function resize(
  size: number | readonly [number, number],
  options: ResizeOptions = {},
): <T extends ImageLike>(img: T) => T {
  const interpolation = options.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    throw new Error(`resize: interpolation should be 'bilinear' or 'nearest', got '${interpolation}'`);
  }
  if (options.antialias && interpolation !== 'bilinear') {
    throw new Error(`resize: antialias is only for 'bilinear' interpolation (as torchvision), got '${interpolation}'`);
  }
  const sizes = typeof size === 'number' ? [size] : [...size];
  if (sizes.length < 1 || sizes.length > 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new Error(`resize: size should be a positive integer or [height, width], got ${JSON.stringify(size)}`);
  }
  return <T extends ImageLike>(img: T): T => {
    const { planes, height: h, width: w, interleaved: c } = layoutOf(img, 'resize');
    const [oh, ow] = resizedSize(h, w, size, options.maxSize);
    if (oh === h && ow === w) return img;
    const src = img.data;
    const out = allocLike(src, planes * oh * ow * c);
    const integer = !(src instanceof Float32Array || src instanceof Float64Array);
    const lo = src instanceof Uint8Array || src instanceof Uint8ClampedArray ? 0 : Number.NEGATIVE_INFINITY;
    const hi = src instanceof Uint8Array || src instanceof Uint8ClampedArray ? 255 : Number.POSITIVE_INFINITY;
    const store = (i: number, v: number) => {
      out[i] = integer ? Math.min(hi, Math.max(lo, roundHalfEven(v))) : v;
    };
    if (options.antialias) {
      const bytes = src instanceof Uint8Array || src instanceof Uint8ClampedArray;
      const values = antialiasResample(src, { planes, h, w, c, oh, ow }, bytes);
      for (let i = 0; i < values.length; i++) store(i, values[i] as number);
      return withData(img, out, oh, ow);
    }
    if (interpolation === 'nearest') {
      const ys = nearestTaps(oh, h);
      const xs = nearestTaps(ow, w);
      for (let p = 0; p < planes; p++) {
        for (let y = 0; y < oh; y++) {
          const rowIn = (p * h + ys[y]!) * w;
          const rowOut = (p * oh + y) * ow;
          for (let x = 0; x < ow; x++)
            for (let k = 0; k < c; k++) out[(rowOut + x) * c + k] = src[(rowIn + xs[x]!) * c + k]!;
        }
      }
      return withData(img, out, oh, ow);
    }
    const ty = linearTaps(oh, h);
    const tx = linearTaps(ow, w);
    for (let p = 0; p < planes; p++) {
      for (let y = 0; y < oh; y++) {
        const wy1 = ty.w1[y]!;
        const wy0 = 1 - wy1;
        const r0 = (p * h + ty.i0[y]!) * w;
        const r1 = (p * h + ty.i1[y]!) * w;
        const rowOut = (p * oh + y) * ow;
        for (let x = 0; x < ow; x++) {
          const wx1 = tx.w1[x]!;
          const wx0 = 1 - wx1;
          const x0 = tx.i0[x]!;
          const x1 = tx.i1[x]!;
          for (let k = 0; k < c; k++) {
            const v =
              wy0 * (wx0 * src[(r0 + x0) * c + k]! + wx1 * src[(r0 + x1) * c + k]!) +
              wy1 * (wx0 * src[(r1 + x0) * c + k]! + wx1 * src[(r1 + x1) * c + k]!);
            store((rowOut + x) * c + k, v);
          }
        }
      }
    }
    return withData(img, out, oh, ow);
  };
}
