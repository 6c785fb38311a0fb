import { readFileSync, statSync } from 'node:fs';
import { decode } from 'fast-png';

export interface PngFacts {
  bytes: number;
  width: number;
  height: number;
  /** Distinct RGB colours. */
  colors: number;
  /** Variance of the grey level over all pixels (0 for a blank image). */
  variance: number;
  /** Share of pixels that are not white. */
  inked: number;
  pixel(x: number, y: number): [number, number, number];
}

/** Opens a PNG file and measures it, so tests can tell a real plot from a blank or broken one. */
export function readPng(path: string): PngFacts {
  const bytes = statSync(path).size;
  const img = decode(readFileSync(path));
  const ch = img.channels;
  const data = img.data;
  const colors = new Set<number>();
  let sum = 0;
  let sum2 = 0;
  let inked = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const r = data[i * ch] as number;
    const g = data[i * ch + 1] as number;
    const b = data[i * ch + 2] as number;
    colors.add((r << 16) | (g << 8) | b);
    const grey = (r + g + b) / 3;
    sum += grey;
    sum2 += grey * grey;
    if (r < 250 || g < 250 || b < 250) inked++;
  }
  const mean = sum / n;
  return {
    bytes,
    width: img.width,
    height: img.height,
    colors: colors.size,
    variance: sum2 / n - mean * mean,
    inked: inked / n,
    pixel: (x, y) => {
      const i = (y * img.width + x) * ch;
      return [data[i] as number, data[i + 1] as number, data[i + 2] as number];
    },
  };
}
