import { join } from 'node:path';
import { expect } from 'vitest';
import { writeTinyCifar } from '../../../apps/cifar-train/test/tiny-cifar.js';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'evaluate.ts': {
    setup: (cwd) => {
      writeTinyCifar(join(cwd, 'data'), { train: 10, test: 150 });
    },
    check: ({ stdout }) => {
      // the loop by hand and evaluate() count the same predictions
      const byHand = /^test acc (\d\.\d{3})$/m.exec(stdout)?.[1];
      const inOneCall = /^test loss \d+\.\d{3}, test acc (\d\.\d{3})$/m.exec(stdout)?.[1];
      expect(byHand).toBeDefined();
      expect(inOneCall).toBe(byHand);
      expect(stdout).toMatch(/^\s+airplane\s/m);
      expect(stdout).toMatch(/^\s+accuracy\s+\d\.\d+\s+150$/m);
    },
  },
});
