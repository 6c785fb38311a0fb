import { type ArrayTensor, type ImageArray, isImageArray } from '../image-array.js';
import type { PaddingMode } from './crop.js';
import type { Transform } from './transform.js';

/** What a built-in transform is and how it draws its randomness, so that compose can run neighbours as one pass. */
export type TransformSpec =
  | { kind: 'toTensor' }
  | { kind: 'normalize'; mean: number[]; std: number[] }
  | {
      kind: 'randomCrop';
      height: number;
      width: number;
      mode: PaddingMode;
      fill: number | readonly number[];
      drawWindow: (height: number, width: number) => [number, number];
    }
  | { kind: 'randomHorizontalFlip'; draw: () => boolean };

type Spec<K extends TransformSpec['kind']> = Extract<TransformSpec, { kind: K }>;

const SPEC = Symbol.for('trainkit.data.transformSpec');

export function tagged<F extends Transform>(fn: F, spec: TransformSpec): F {
  (fn as unknown as Record<symbol, TransformSpec>)[SPEC] = spec;
  return fn;
}

export function specOf(fn: Transform | undefined): TransformSpec | undefined {
  return fn ? (fn as unknown as Record<symbol, TransformSpec | undefined>)[SPEC] : undefined;
}

// What storing v into a Uint8Array stores, so padding with an odd fill matches the unfused crop exactly.
const asByte = (v: number) => new Uint8Array([v])[0]!;

/**
 * [randomCrop] [randomHorizontalFlip] toTensor [normalize] on a uint8 HWC image as one pass: each output value is
 * read from where crop and flip would have put it and converted through a per-channel table of the 256 possible
 * results, table[v] = float32(float32(v / 255) − mean) / std — the arithmetic of the separate transforms, so the
 * output is identical, including the random draws (same generators, same order). Saves three intermediate arrays
 * and passes per image.
 */
function cropFlipToTensor(
  crop: Spec<'randomCrop'> | undefined,
  flip: Spec<'randomHorizontalFlip'> | undefined,
  norm: Spec<'normalize'> | undefined,
  unfused: Transform<ImageArray, ArrayTensor<Float32Array>>,
): Transform<ImageArray, ArrayTensor<Float32Array>> {
  const tables = new Map<number, Float32Array | null>();
  const tableFor = (c: number): Float32Array | null => {
    let t = tables.get(c);
    if (t !== undefined) return t;
    t = null;
    const fits = (v: readonly unknown[]) => v.length === c || v.length === 1;
    const fillOk =
      !crop || typeof crop.fill === 'number' || crop.fill.length === c || (c === 1 && crop.fill.length >= 1);
    if (fillOk && (!norm || (fits(norm.mean) && fits(norm.std)))) {
      t = new Float32Array(256 * c);
      for (let k = 0; k < c; k++) {
        const m = norm ? Math.fround(norm.mean.length === 1 ? norm.mean[0]! : norm.mean[k]!) : 0;
        const s = norm ? Math.fround(norm.std.length === 1 ? norm.std[0]! : norm.std[k]!) : 1;
        for (let v = 0; v < 256; v++) t[k * 256 + v] = norm ? Math.fround(Math.fround(v / 255) - m) / s : v / 255;
      }
    }
    tables.set(c, t);
    return t;
  };
  // the padding value of each channel after conversion, per channel count
  const fillTables = new Map<number, Float32Array>();
  const fillsFor = (c: number, table: Float32Array): Float32Array => {
    let f = fillTables.get(c);
    if (!f) {
      f = new Float32Array(c);
      for (let k = 0; k < c; k++) {
        const v = !crop ? 0 : typeof crop.fill === 'number' ? crop.fill : (crop.fill[k] ?? crop.fill[0]!);
        f[k] = table[k * 256 + asByte(v)]!;
      }
      fillTables.set(c, f);
    }
    return f;
  };
  return (img: ImageArray) => {
    const table = isImageArray(img) ? tableFor(img.channels) : null;
    // anything unusual runs the transforms one by one, which also gives their error messages
    if (!table || img.data.length !== img.height * img.width * img.channels) return unfused(img);
    const { data, height: h, width: w, channels: c } = img;
    const [top, left] = crop ? crop.drawWindow(h, w) : [0, 0];
    const oh = crop ? crop.height : h;
    const ow = crop ? crop.width : w;
    const flipped = flip ? flip.draw() : false;
    const plane = oh * ow;
    const out = new Float32Array(plane * c);
    const fills = fillsFor(c, table);
    // output columns [x0, x1) read source columns; the rest is padding (mirrored when flipped)
    let x0 = Math.min(ow, Math.max(0, -left));
    let x1 = Math.max(x0, Math.min(ow, w - left));
    if (flipped) [x0, x1] = [ow - x1, ow - x0];
    for (let y = 0; y < oh; y++) {
      const sy = top + y;
      const row = y * ow;
      const inside = sy >= 0 && sy < h;
      for (let k = 0; k < c; k++) {
        const o = k * plane + row;
        const f = fills[k]!;
        // plain loops: the padding runs are a few values long, too short for a fill() call to pay off
        if (!inside) {
          if (f !== 0) for (let x = 0; x < ow; x++) out[o + x] = f;
          continue;
        }
        if (f !== 0) {
          for (let x = 0; x < x0; x++) out[o + x] = f;
          for (let x = x1; x < ow; x++) out[o + x] = f;
        }
        const rowIn = sy * w;
        if (c === 3) {
          // RGB: one sweep of the source row feeds all three planes (done once, at k = 0)
          if (k > 0) continue;
          const o1 = o + plane;
          const o2 = o1 + plane;
          const step = flipped ? -3 : 3;
          let q = flipped ? (rowIn + left + ow - 1 - x0) * 3 : (rowIn + left + x0) * 3;
          for (let x = x0; x < x1; x++, q += step) {
            out[o + x] = table[data[q]!]!;
            out[o1 + x] = table[256 + data[q + 1]!]!;
            out[o2 + x] = table[512 + data[q + 2]!]!;
          }
          continue;
        }
        const t = k * 256;
        if (flipped) {
          // output x reads source column left + (ow − 1 − x)
          for (let x = x0, q = (rowIn + left + ow - 1 - x0) * c + k; x < x1; x++, q -= c)
            out[o + x] = table[t + data[q]!]!;
        } else {
          for (let x = x0, q = (rowIn + left + x0) * c + k; x < x1; x++, q += c) out[o + x] = table[t + data[q]!]!;
        }
      }
    }
    return { data: out, shape: [c, oh, ow] };
  };
}

/** The transforms of a compose, with fusable neighbours merged into one pass. */
export function fuse(list: readonly Transform[]): Transform[] {
  const out: Transform[] = [];
  for (let i = 0; i < list.length; ) {
    let j = i;
    const crop = specOf(list[j])?.kind === 'randomCrop' ? (specOf(list[j++]) as Spec<'randomCrop'>) : undefined;
    const flip =
      specOf(list[j])?.kind === 'randomHorizontalFlip'
        ? (specOf(list[j++]) as Spec<'randomHorizontalFlip'>)
        : undefined;
    const isToTensor = specOf(list[j])?.kind === 'toTensor';
    const norm =
      isToTensor && specOf(list[j + 1])?.kind === 'normalize' ? (specOf(list[j + 1]) as Spec<'normalize'>) : undefined;
    if (isToTensor && (!crop || crop.mode === 'constant') && (crop || flip || norm)) {
      const end = j + (norm ? 2 : 1);
      const parts = list.slice(i, end);
      const unfused = (x: ImageArray) => parts.reduce<unknown>((v, t) => t(v), x) as ArrayTensor<Float32Array>;
      out.push(cropFlipToTensor(crop, flip, norm, unfused));
      i = end;
    } else {
      out.push(list[i]!);
      i++;
    }
  }
  return out;
}
