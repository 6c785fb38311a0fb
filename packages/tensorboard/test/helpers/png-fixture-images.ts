// The pixels of test/fixtures/png-sizes.json's cases, built from their recipes exactly as tools/fixtures/png_sizes.py
// builds them (each case's sha256 is checked before use). CIFAR images come from the real CIFAR-10 sample committed
// in samples/cifar-10-sample (TRAINKIT_CIFAR_SAMPLE overrides): the official test batch's first records.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, '..', 'fixtures');
const repoRoot = resolve(here, '..', '..', '..', '..');
export const CIFAR_SAMPLE = process.env.TRAINKIT_CIFAR_SAMPLE ?? join(repoRoot, 'samples', 'cifar-10-sample');

export type Recipe =
  | { kind: 'cifar'; start: number; count: number; cols: number; scale?: number; look: CifarLook }
  | { kind: 'plot'; source: string; file: string; channels: 3 | 4 }
  | { kind: 'gradient'; width: number; height: number }
  | { kind: 'noise'; width: number; height: number; seed: number };
type CifarLook = 'rgb' | 'grey' | 'grey-rgb' | 'grey-alpha' | 'rgba';

export interface SizeCase {
  name: string;
  recipe: Recipe;
  width: number;
  height: number;
  channels: number;
  sha256: string;
  pilBytes: number;
}

export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export function loadSizeCases(): { pil: string; zlib: string; cases: SizeCase[] } {
  return JSON.parse(readFileSync(join(FIXTURES, 'png-sizes.json'), 'utf8'));
}

export function buildPixels(recipe: Recipe): Pixels {
  switch (recipe.kind) {
    case 'cifar':
      return cifar(recipe);
    case 'plot': {
      const png = decode(readFileSync(join(FIXTURES, 'png', recipe.file)));
      if (png.channels !== 3 || png.depth !== 8) throw new Error(`${recipe.file}: expected 8-bit RGB`);
      const rgb = png.data as Uint8Array;
      return recipe.channels === 3 ? pixels(rgb, png.width, png.height, 3) : withAlpha(rgb, png.width, png.height, 255);
    }
    case 'gradient': {
      const { width: w, height: h } = recipe;
      const out = new Uint8Array(w * h * 3);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const o = (y * w + x) * 3;
          out[o] = Math.floor((x * 255) / (w - 1));
          out[o + 1] = Math.floor((y * 255) / (h - 1));
          out[o + 2] = Math.floor(((x + y) * 255) / (w + h - 2));
        }
      }
      return pixels(out, w, h, 3);
    }
    case 'noise': {
      const out = new Uint8Array(recipe.width * recipe.height * 3);
      let s = recipe.seed | 0;
      for (let i = 0; i < out.length; i++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        out[i] = s & 0xff;
      }
      return pixels(out, recipe.width, recipe.height, 3);
    }
  }
}

function pixels(data: Uint8Array, width: number, height: number, channels: number): Pixels {
  return { data, width, height, channels };
}

function cifarImage(batch: Uint8Array, i: number): Uint8Array {
  const rec = batch.subarray(i * 3073 + 1, (i + 1) * 3073);
  if (rec.length !== 3072) throw new Error(`${CIFAR_SAMPLE}/test_batch.bin has no record ${i}`);
  const hwc = new Uint8Array(3072);
  for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) hwc[p * 3 + c] = rec[c * 1024 + p]!;
  return hwc;
}

function cifar(r: Extract<Recipe, { kind: 'cifar' }>): Pixels {
  const batch = readFileSync(join(CIFAR_SAMPLE, 'test_batch.bin'));
  const rows = Math.ceil(r.count / r.cols);
  const scale = r.scale ?? 1;
  const [w, h] = [r.cols * 32 * scale, rows * 32 * scale];
  const rgb = new Uint8Array(w * h * 3);
  for (let k = 0; k < r.count; k++) {
    const img = cifarImage(batch, r.start + k);
    const [ty, tx] = [Math.floor(k / r.cols) * 32 * scale, (k % r.cols) * 32 * scale];
    for (let y = 0; y < 32 * scale; y++) {
      for (let x = 0; x < 32 * scale; x++) {
        const s = (Math.floor(y / scale) * 32 + Math.floor(x / scale)) * 3;
        rgb.set(img.subarray(s, s + 3), ((ty + y) * w + tx + x) * 3);
      }
    }
  }
  const n = w * h;
  const grey = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    grey[i] = Math.floor((299 * rgb[3 * i]! + 587 * rgb[3 * i + 1]! + 114 * rgb[3 * i + 2]! + 500) / 1000);
  }
  const ramp = (i: number) => Math.floor((((i % w) + Math.floor(i / w)) * 255) / (w + h - 2));
  switch (r.look) {
    case 'rgb':
      return pixels(rgb, w, h, 3);
    case 'grey':
      return pixels(grey, w, h, 1);
    case 'grey-rgb':
      return pixels(
        Uint8Array.from({ length: n * 3 }, (_, j) => grey[Math.floor(j / 3)]!),
        w,
        h,
        3,
      );
    case 'grey-alpha':
      return pixels(
        Uint8Array.from({ length: n * 2 }, (_, j) => (j % 2 ? ramp(j >> 1) : grey[j >> 1]!)),
        w,
        h,
        2,
      );
    case 'rgba': {
      const out = new Uint8Array(n * 4);
      for (let i = 0; i < n; i++) {
        out.set(rgb.subarray(3 * i, 3 * i + 3), 4 * i);
        out[4 * i + 3] = ramp(i);
      }
      return pixels(out, w, h, 4);
    }
  }
}

function withAlpha(rgb: Uint8Array, width: number, height: number, alpha: number): Pixels {
  const n = width * height;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out.set(rgb.subarray(3 * i, 3 * i + 3), 4 * i);
    out[4 * i + 3] = alpha;
  }
  return pixels(out, width, height, 4);
}
