import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'plan-sweep.ts': {
    check: ({ stdout }) => {
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(
        /^0-batch-size=32-lr=[\d.e-]+: cifar-train --epochs 2 --batch-size 32 --lr [\d.e-]+ → runs\/sweeps\/bs-lr\/0-batch-size=32-lr=/,
      );
      expect(lines[3]).toMatch(/^3-batch-size=64-lr=/);
    },
  },
});
