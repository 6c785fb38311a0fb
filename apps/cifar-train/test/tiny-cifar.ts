import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/**
 * Writes a tiny CIFAR-10 in the official binary layout (`cifar-10-batches-bin/` with data_batch_1.bin,
 * test_batch.bin and batches.meta.txt; 3073-byte records: label, 1024 R, 1024 G, 1024 B). Each class has its own
 * colour plus noise, so a network can learn something in a few steps. Returns the data dir to pass as --data-dir.
 */
export function writeTinyCifar(root: string, sizes: { train: number; test: number }, seed = 1): string {
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const records = (n: number) => {
    const bytes = new Uint8Array(n * 3073);
    for (let r = 0; r < n; r++) {
      const label = Math.floor(rand() * 10);
      const o = r * 3073;
      bytes[o] = label;
      for (let c = 0; c < 3; c++) {
        const base = ((label * (c + 3) * 37) % 200) + 28;
        for (let p = 0; p < 1024; p++)
          bytes[o + 1 + c * 1024 + p] = Math.max(0, Math.min(255, Math.round(base + (rand() - 0.5) * 80)));
      }
    }
    return bytes;
  };
  writeFileSync(join(dir, 'data_batch_1.bin'), records(sizes.train));
  writeFileSync(join(dir, 'test_batch.bin'), records(sizes.test));
  writeFileSync(join(dir, 'batches.meta.txt'), `${CLASSES.join('\n')}\n`);
  return root;
}
