import { defaultGenerator, type Generator } from '@trainkit/core';
import { type ArrayTensor, isImageArray } from '../image-array.js';
import type { ImageLike } from './image-layout.js';

// Two arithmetics, as torchvision has two: on a uint8 HWC ImageArray (a PIL image) PIL's C code — ImageEnhance's
// Image.blend with a float32 factor and truncation, luma L = (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16, its HSV
// conversion in float and double — so that every pixel equals torchvision's on the PIL image; on a float CHW
// ArrayTensor in [0, 1], torchvision's tensor functions (blend then clamp to [0, 1]).

const f32 = Math.fround;

/** PIL's Image.blend(a, b, alpha) of one byte: a + alpha·(b − a) in float32, truncated, clipped when extrapolating. */
function blendByte(a: number, b: number, alpha: number): number {
  const v = f32(a + f32(alpha * (b - a)));
  if (alpha >= 0 && alpha <= 1) return Math.trunc(v);
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
}

const luma = (r: number, g: number, b: number) => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;

function checkRgbOrGray(img: ImageLike, what: string): { rgb: boolean } {
  if (isImageArray(img)) {
    if (img.channels !== 1 && img.channels !== 3) {
      throw new Error(`${what}: expected a 1- or 3-channel image, got ${img.channels} channels`);
    }
    return { rgb: img.channels === 3 };
  }
  const c = img.shape[img.shape.length - 3];
  if (img.shape.length < 3 || (c !== 1 && c !== 3)) {
    throw new Error(`${what}: expected a [..., 1 or 3, H, W] tensor, got [${img.shape.join(', ')}]`);
  }
  if (!(img.data instanceof Float32Array || img.data instanceof Float64Array)) {
    throw new Error(`${what}: expected a float tensor in [0, 1] (after toTensor), got ${img.data.constructor.name}`);
  }
  return { rgb: c === 3 };
}

function checkFactor(what: string, factor: number): void {
  if (!(Number.isFinite(factor) && factor >= 0)) throw new Error(`${what}: factor must be ≥ 0, got ${factor}`);
}

/** Each image of a CHW (or NCHW) tensor: its channel planes, for per-image statistics. */
function forEachImage(t: ArrayTensor, fn: (offset: number, channels: number, pixels: number) => void): void {
  const s = t.shape;
  const c = s[s.length - 3]!;
  const pixels = s[s.length - 2]! * s[s.length - 1]!;
  for (let o = 0; o < t.data.length; o += c * pixels) fn(o, c, pixels);
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const tensorGray = (d: ArrayLike<number>, o: number, p: number, i: number) =>
  0.2989 * d[o + i]! + 0.587 * d[o + p + i]! + 0.114 * d[o + 2 * p + i]!;

/** torchvision's adjust_brightness: PIL ImageEnhance.Brightness (a blend with black), or factor·x clamped. */
export function adjustBrightness<T extends ImageLike>(img: T, factor: number): T {
  checkFactor('adjustBrightness', factor);
  checkRgbOrGray(img, 'adjustBrightness');
  if (isImageArray(img)) return { ...img, data: img.data.map((v) => blendByte(0, v, factor)) };
  return { ...img, data: img.data.map((v) => clamp01(factor * v)) };
}

/** torchvision's adjust_contrast: a blend with the image's mean grey (PIL: rounded luma mean). */
export function adjustContrast<T extends ImageLike>(img: T, factor: number): T {
  checkFactor('adjustContrast', factor);
  const { rgb } = checkRgbOrGray(img, 'adjustContrast');
  if (isImageArray(img)) {
    const d = img.data;
    let sum = 0;
    const n = img.height * img.width;
    for (let i = 0; i < n; i++) sum += rgb ? luma(d[3 * i]!, d[3 * i + 1]!, d[3 * i + 2]!) : d[i]!;
    const mean = Math.trunc(sum / n + 0.5);
    return { ...img, data: d.map((v) => blendByte(mean, v, factor)) };
  }
  const out = img.data.slice();
  forEachImage(img, (o, c, p) => {
    let sum = 0;
    for (let i = 0; i < p; i++) sum += rgb ? f32(tensorGray(img.data, o, p, i)) : img.data[o + i]!;
    const mean = sum / p;
    for (let i = 0; i < c * p; i++) out[o + i] = clamp01(factor * img.data[o + i]! + (1 - factor) * mean);
  });
  return { ...img, data: out };
}

/** torchvision's adjust_saturation: a blend with the image's own grey (PIL ImageEnhance.Color). */
export function adjustSaturation<T extends ImageLike>(img: T, factor: number): T {
  checkFactor('adjustSaturation', factor);
  const { rgb } = checkRgbOrGray(img, 'adjustSaturation');
  if (!rgb) return img;
  if (isImageArray(img)) {
    const d = img.data;
    const out = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i += 3) {
      const l = luma(d[i]!, d[i + 1]!, d[i + 2]!);
      for (let k = 0; k < 3; k++) out[i + k] = blendByte(l, d[i + k]!, factor);
    }
    return { ...img, data: out };
  }
  const out = img.data.slice();
  forEachImage(img, (o, _c, p) => {
    for (let i = 0; i < p; i++) {
      const g = f32(tensorGray(img.data, o, p, i));
      for (let k = 0; k < 3; k++) out[o + k * p + i] = clamp01(factor * img.data[o + k * p + i]! + (1 - factor) * g);
    }
  });
  return { ...img, data: out };
}

/** PIL's rgb2hsv_row (colorsys in C: float variables, double literals). */
function rgbToHsvBytes(r: number, g: number, b: number): [number, number, number] {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  if (minc === maxc) return [0, 0, maxc];
  const cr = maxc - minc;
  const s = f32(cr / maxc);
  const rc = f32((maxc - r) / cr);
  const gc = f32((maxc - g) / cr);
  const bc = f32((maxc - b) / cr);
  let h = r === maxc ? f32(bc - gc) : g === maxc ? f32(2 + rc - bc) : f32(4 + gc - rc);
  h = f32((h / 6 + 1) % 1);
  const clip8 = (v: number) => Math.min(255, Math.max(0, v));
  return [clip8(Math.trunc(h * 255)), clip8(Math.trunc(s * 255)), maxc];
}

/** C's round(): half away from zero. */
const cRound = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

/** (r, g, b) from the value v and the three ramps of HSV's sector ⌊6h⌋, as colorsys orders them. */
function hsvSector(i: number, v: number, p: number, q: number, t: number): [number, number, number] {
  switch (((i % 6) + 6) % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

/** PIL's hsv2rgb. */
function hsvToRgbBytes(h: number, s: number, v: number): [number, number, number] {
  if (s === 0) return [v, v, v];
  const i = Math.floor((h * 6) / 255);
  const f = f32((h * 6) / 255 - i);
  const fs = f32(s / 255);
  const clip8 = (x: number) => Math.min(255, Math.max(0, x));
  const p = clip8(cRound(v * (1 - fs)));
  const q = clip8(cRound(v * (1 - fs * f)));
  const t = clip8(cRound(v * (1 - fs * (1 - f))));
  return hsvSector(i, v, p, q, t);
}

/** torchvision's _rgb2hsv / _hsv2rgb on floats, with the hue shifted by `shift` (mod 1). */
function shiftHueFloat(r: number, g: number, b: number, shift: number): [number, number, number] {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  const eq = maxc === minc;
  const cr = maxc - minc;
  const s = cr / (eq ? 1 : maxc);
  const d = eq ? 1 : cr;
  const [rc, gc, bc] = [(maxc - r) / d, (maxc - g) / d, (maxc - b) / d];
  const hue = maxc === r ? bc - gc : maxc === g ? 2 + rc - bc : 4 + gc - rc;
  let h = (hue / 6 + 1) % 1;
  h = (((h + shift) % 1) + 1) % 1;
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const v = maxc;
  const p = clamp01(v * (1 - s));
  const q = clamp01(v * (1 - s * f));
  const t = clamp01(v * (1 - s * (1 - f)));
  return hsvSector(i, v, p, q, t);
}

/**
 * torchvision's adjust_hue: the hue turned by `hueFactor` of a full turn, in [−0.5, 0.5]. On a PIL image the hue is a
 * byte, shifted by uint8(hueFactor·255) with wrap-around as numpy adds; a grey (1-channel) image is returned as is.
 */
export function adjustHue<T extends ImageLike>(img: T, hueFactor: number): T {
  if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) {
    throw new Error(`adjustHue: hueFactor must be in [-0.5, 0.5], got ${hueFactor}`);
  }
  const { rgb } = checkRgbOrGray(img, 'adjustHue');
  if (!rgb) return img;
  if (isImageArray(img)) {
    const d = img.data;
    // np.uint8(hue_factor * 255): C's conversion truncates toward zero, then wraps
    const shift = (Math.trunc(hueFactor * 255) + 256) % 256;
    const out = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i += 3) {
      const [h, s, v] = rgbToHsvBytes(d[i]!, d[i + 1]!, d[i + 2]!);
      out.set(hsvToRgbBytes((h + shift) % 256, s, v), i);
    }
    return { ...img, data: out };
  }
  const out = img.data.slice();
  forEachImage(img, (o, _c, p) => {
    for (let i = 0; i < p; i++) {
      const [r, g, b] = shiftHueFloat(img.data[o + i]!, img.data[o + p + i]!, img.data[o + 2 * p + i]!, hueFactor);
      out[o + i] = r;
      out[o + p + i] = g;
      out[o + 2 * p + i] = b;
    }
  });
  return { ...img, data: out };
}

export interface ColorJitterOptions {
  /** b or [min, max]: the factor is drawn from [max(0, 1 − b), 1 + b] */
  brightness?: number | readonly [number, number];
  contrast?: number | readonly [number, number];
  saturation?: number | readonly [number, number];
  /** h or [min, max] within [−0.5, 0.5]: the hue shift is drawn from [−h, h] */
  hue?: number | readonly [number, number];
  generator?: Generator;
}

function range(what: string, v: number | readonly [number, number] | undefined, hue = false): [number, number] | null {
  if (v === undefined) return null;
  let r: [number, number];
  if (typeof v === 'number') {
    if (!(v >= 0)) throw new Error(`colorJitter: ${what} must be non-negative, got ${v}`);
    r = hue ? [-v, v] : [Math.max(0, 1 - v), 1 + v];
  } else r = [v[0], v[1]];
  const [lo, hi] = hue ? [-0.5, 0.5] : [0, Number.POSITIVE_INFINITY];
  if (!(r[0] >= lo && r[0] <= r[1] && r[1] <= hi)) {
    throw new Error(`colorJitter: ${what} values should be between ${lo} and ${hi}, got [${r.join(', ')}]`);
  }
  // torchvision skips a factor whose range is the identity
  return r[0] === r[1] && r[0] === (hue ? 0 : 1) ? null : r;
}

/**
 * Randomly changes brightness, contrast, saturation and hue, as torchvision.transforms.ColorJitter: each call draws
 * an order of the four (randperm(4)), then a factor for each one given (uniform in its range), from `generator`,
 * and applies them in that order with adjustBrightness / adjustContrast / adjustSaturation / adjustHue.
 */
export function colorJitter(options: ColorJitterOptions = {}): <T extends ImageLike>(img: T) => T {
  const ranges = [
    range('brightness', options.brightness),
    range('contrast', options.contrast),
    range('saturation', options.saturation),
    range('hue', options.hue, true),
  ];
  const adjust = [adjustBrightness, adjustContrast, adjustSaturation, adjustHue];
  const g = options.generator ?? defaultGenerator;
  return <T extends ImageLike>(img: T): T => {
    const order = g.randperm(4);
    const factors = ranges.map((r) => (r ? g.uniform(r[0], r[1]) : null));
    let out = img;
    for (const k of order) {
      const f = factors[k];
      if (f !== null && f !== undefined) out = adjust[k]!(out, f);
    }
    return out;
  };
}
