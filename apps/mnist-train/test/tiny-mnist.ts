import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function idx(magic: number, dims: number[], body: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, body]);
}

/**
 * Writes a tiny MNIST in the official IDX layout (`MNIST/raw/train-images-idx3-ubyte`, …-labels-idx1-ubyte, and
 * the t10k pair; magic 0x803 / 0x801, big-endian sizes). Digit d is a bar at a class-specific place plus noise, so
 * an MLP learns it in a few steps yet still gets some wrong. Returns the data dir to pass as --data-dir.
 */
export function writeTinyMnist(root: string, sizes: { train: number; test: number }, seed = 1): string {
  const dir = join(root, 'MNIST', 'raw');
  mkdirSync(dir, { recursive: true });
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const split = (n: number, prefix: string) => {
    const images = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const d = Math.floor(rand() * 10);
      labels[i] = d;
      const row = 3 + 2 * d + Math.floor(rand() * 3);
      for (let p = 0; p < 784; p++) {
        const onBar = Math.floor(p / 28) === row && p % 28 > 4 && p % 28 < 24;
        images[i * 784 + p] = onBar ? 160 + Math.floor(rand() * 95) : Math.floor(rand() * 90);
      }
    }
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), idx(0x803, [n, 28, 28], images));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), idx(0x801, [n], labels));
  };
  split(sizes.train, 'train');
  split(sizes.test, 't10k');
  return root;
}
