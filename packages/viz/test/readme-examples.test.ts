import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { writeTinyCifar } from '../../../apps/cifar-train/test/tiny-cifar.js';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'training-progress.ts': {
    setup: (cwd) => {
      writeTinyCifar(join(cwd, 'data'), { train: 128, test: 10 });
    },
    check: ({ cwd, stdout, stderr }) => {
      // Conv2d(3, 8, 3): 8·27 + 8; Linear(7200, 10): 72,000 + 10
      expect(stdout).toMatch(/^Total params: 72,234$/m);
      expect(stderr).toMatch(/epoch 3: 100%\|█+\| 2\/2 /);
      const png = readFileSync(join(cwd, 'curves.png'));
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    },
  },
});
