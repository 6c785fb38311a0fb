import { type Tensor, tf } from '@trainkit/core';
import { encodePng } from '@trainkit/tensorboard';
import { type Colormap, gray } from './colors.js';

/** One image in row-major HWC order, any value range. */
export interface FloatImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Float32Array;
}

/**
 * How pixel values become [0, 1]: 'auto' keeps [0, 1] data, divides [0, 255] data by 255 and stretches anything
 * else per image; 'minmax' stretches per image; 'symmetric' maps ±max|v| to 0 and 1 with 0 in the middle (signed
 * weights under a diverging map); 'none' clamps; {mean, std} undoes transforms.Normalize per channel.
 */
export type ImageNormalize =
  | 'auto'
  | 'minmax'
  | 'symmetric'
  | 'none'
  | { mean: readonly number[]; std: readonly number[] };

export type ImageInput = Tensor | FloatImage | readonly Tensor[] | readonly FloatImage[];

function fromHWC(data: Float32Array, h: number, w: number, c: number): FloatImage {
  if (c !== 1 && c !== 3) throw new Error(`images: expected 1 or 3 channels, got ${c}`);
  return { width: w, height: h, channels: c, data };
}

function fromCHW(data: Float32Array, c: number, h: number, w: number): FloatImage {
  if (c === 1) return fromHWC(data, h, w, 1);
  if (c !== 3) throw new Error(`images: expected 1 or 3 channels, got ${c}`);
  const out = new Float32Array(h * w * 3);
  for (let ch = 0; ch < 3; ch++) for (let i = 0; i < h * w; i++) out[i * 3 + ch] = data[ch * h * w + i] as number;
  return { width: w, height: h, channels: 3, data: out };
}

/**
 * Images from tensors in PyTorch's layout: [N, C, H, W], [C, H, W] (C = 1 or 3), [N, H, W] (other leading sizes) or
 * [H, W]; with channelsLast, [N, H, W, C] and [H, W, C].
 */
export function toFloatImages(input: ImageInput, channelsLast = false): FloatImage[] {
  if (Array.isArray(input))
    return (input as readonly (Tensor | FloatImage)[]).flatMap((x) => toFloatImages(x, channelsLast));
  if (!(input instanceof tf.Tensor)) return [input as FloatImage];
  const shape = input.shape;
  const data = input.dataSync() as Float32Array;
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  const at = (i: number) => shape[i] as number;
  if (input.rank === 2) return [fromHWC(values, at(0), at(1), 1)];
  if (input.rank === 3) {
    if (channelsLast) return [fromHWC(values, at(0), at(1), at(2))];
    if (at(0) === 1 || at(0) === 3) return [fromCHW(values, at(0), at(1), at(2))];
    const size = at(1) * at(2);
    return Array.from({ length: at(0) }, (_, n) => fromHWC(values.slice(n * size, (n + 1) * size), at(1), at(2), 1));
  }
  if (input.rank === 4) {
    const size = at(1) * at(2) * at(3);
    return Array.from({ length: at(0) }, (_, n) => {
      const v = values.slice(n * size, (n + 1) * size);
      return channelsLast ? fromHWC(v, at(1), at(2), at(3)) : fromCHW(v, at(1), at(2), at(3));
    });
  }
  throw new Error(`images: expected a tensor of rank 2, 3 or 4, got shape [${shape.join(', ')}]`);
}

function range(data: Float32Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of data) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** The image's values mapped to [0, 1] (see ImageNormalize); `limits` overrides the per-image range. */
export function normalizeImage(
  img: FloatImage,
  mode: ImageNormalize = 'auto',
  limits?: [number, number],
): Float32Array {
  const out = new Float32Array(img.data.length);
  const clamp = (v: number) => (Number.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0);
  if (typeof mode === 'object') {
    img.data.forEach((v, i) => {
      const c = i % img.channels;
      out[i] = clamp(v * (mode.std[c] ?? mode.std[0] ?? 1) + (mode.mean[c] ?? mode.mean[0] ?? 0));
    });
    return out;
  }
  const [lo, hi] = limits ?? range(img.data);
  const m = mode !== 'auto' ? mode : lo >= 0 && hi <= 1 ? 'none' : lo >= 0 && hi <= 255 ? 'bytes' : 'minmax';
  if (m === 'bytes') {
    img.data.forEach((v, i) => {
      out[i] = clamp(v / 255);
    });
  } else if (m === 'none') {
    img.data.forEach((v, i) => {
      out[i] = clamp(v);
    });
  } else if (m === 'symmetric') {
    const s = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    img.data.forEach((v, i) => {
      out[i] = clamp(0.5 + v / (2 * s));
    });
  } else {
    const span = hi - lo;
    img.data.forEach((v, i) => {
      out[i] = span > 0 ? clamp((v - lo) / span) : 0.5;
    });
  }
  return out;
}

/** RGB bytes of a [0, 1] image; single-channel images go through the colour map. */
export function toRgb(values01: Float32Array, channels: 1 | 3, cmap: Colormap = gray): Uint8Array {
  if (channels === 3) return Uint8Array.from(values01, (v) => Math.round(v * 255));
  const out = new Uint8Array(values01.length * 3);
  values01.forEach((v, i) => {
    out.set(cmap(v), i * 3);
  });
  return out;
}

/** PNG data URI of an RGB image enlarged `factor` times with square pixels (no smoothing between them). */
export function rgbDataUri(rgb: Uint8Array, width: number, height: number, factor = 1): string {
  const f = Math.max(1, Math.floor(factor));
  if (f === 1) return pngDataUri(encodePng({ data: rgb, width, height, channels: 3 }));
  const W = width * f;
  const out = new Uint8Array(W * height * f * 3);
  for (let y = 0; y < height * f; y++) {
    const sy = Math.floor(y / f);
    for (let x = 0; x < W; x++) {
      const s = (sy * width + Math.floor(x / f)) * 3;
      const d = (y * W + x) * 3;
      out[d] = rgb[s] as number;
      out[d + 1] = rgb[s + 1] as number;
      out[d + 2] = rgb[s + 2] as number;
    }
  }
  return pngDataUri(encodePng({ data: out, width: W, height: height * f, channels: 3 }));
}

// A data: URI of PNG bytes, for an SVG <image>.
function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
