import type { TypedArray } from '../image-array.js';
import { allocLike, type ImageLike, layoutOf, withData } from './image-layout.js';

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

// Where index i of a padded axis of length n reads from, or -1 for the constant fill.
function mapIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'reflect': {
      if (n === 1) return 0;
      const m = 2 * n - 2;
      const k = ((i % m) + m) % m;
      return k < n ? k : m - k;
    }
    case 'symmetric': {
      const m = 2 * n;
      const k = ((i % m) + m) % m;
      return k < n ? k : m - 1 - k;
    }
  }
}

/**
 * The `height × width` window whose top-left corner is at (top, left) in the image's coordinates; parts of the
 * window outside the image are padded with `mode` (F.pad followed by F.crop, in one pass and one allocation).
 */
export function cropPadded<T extends ImageLike>(
  img: T,
  top: number,
  left: number,
  height: number,
  width: number,
  mode: PaddingMode = 'constant',
  fill: number | readonly number[] = 0,
  what = 'crop',
): T {
  const { planes, height: h, width: w, interleaved: c } = layoutOf(img, what);
  if (mode !== 'constant' && (h === 0 || w === 0))
    throw new Error(`${what}: cannot pad an empty image with mode '${mode}'`);
  const src = img.data;
  const out = allocLike(src, planes * height * width * c);
  const fills = typeof fill === 'number' ? null : fill;
  // a new typed array is all zeros already: the usual zero padding needs no writes
  const zeroFill = fills === null ? fill === 0 : fills.every((v) => v === 0);
  const fillFor = (plane: number, k: number): number => {
    if (!fills) return fill as number;
    const v = fills[c > 1 ? k : plane % fills.length];
    if (v === undefined) throw new Error(`${what}: fill has ${fills.length} values, not one per channel`);
    return v;
  };
  const colMap = new Int32Array(width);
  for (let x = 0; x < width; x++) colMap[x] = mapIndex(left + x, w, mode);
  // for 'constant', the columns inside the image are one run that can be copied with set()
  const x0 = Math.min(width, Math.max(0, -left));
  const x1 = Math.max(x0, Math.min(width, w - left));
  const rowOut = width * c;
  for (let p = 0; p < planes; p++) {
    const planeIn = p * h * w * c;
    const planeOut = p * height * rowOut;
    for (let y = 0; y < height; y++) {
      const sy = mapIndex(top + y, h, mode);
      const o = planeOut + y * rowOut;
      if (sy < 0) {
        if (!zeroFill) fillRun(out, o, width, c, p, fillFor);
        continue;
      }
      const rowIn = planeIn + sy * w * c;
      if (mode === 'constant') {
        if (x0 > 0 && !zeroFill) fillRun(out, o, x0, c, p, fillFor);
        if (x1 > x0) out.set(src.subarray(rowIn + (left + x0) * c, rowIn + (left + x1) * c), o + x0 * c);
        if (x1 < width && !zeroFill) fillRun(out, o + x1 * c, width - x1, c, p, fillFor);
      } else {
        for (let x = 0; x < width; x++) {
          const s = rowIn + colMap[x]! * c;
          const d = o + x * c;
          for (let k = 0; k < c; k++) out[d + k] = src[s + k]!;
        }
      }
    }
  }
  return withData(img, out, height, width);
}

function fillRun(
  out: TypedArray,
  at: number,
  pixels: number,
  c: number,
  plane: number,
  fillFor: (p: number, k: number) => number,
): void {
  for (let k = 0; k < c; k++) {
    const v = fillFor(plane, k);
    for (let x = 0; x < pixels; x++) out[at + x * c + k] = v;
  }
}
