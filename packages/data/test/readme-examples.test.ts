import { join } from 'node:path';
import { expect } from 'vitest';
import { writeTinyCifar } from '../../../apps/cifar-train/test/tiny-cifar.js';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'cifar10-loader.ts': {
    setup: (cwd) => {
      writeTinyCifar(join(cwd, 'data'), { train: 200, test: 10 });
    },
    check: ({ stdout }) => {
      expect(stdout).toContain('200 images in 4 batches; classes airplane, automobile, bird');
      expect(stdout.match(/^x float32 \[64,3,32,32\], y int32 \[64\]$/gm)).toHaveLength(3);
      expect(stdout).toMatch(/^x float32 \[8,3,32,32\], y int32 \[8\]$/m);
    },
  },
});
