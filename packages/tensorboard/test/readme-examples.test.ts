import { join } from 'node:path';
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';
import { loadRun } from '../src/index.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'summary-writer.ts': {
    check: async ({ cwd }) => {
      const run = await loadRun(join(cwd, 'runs', 'cifar'));
      expect(run.issues).toEqual([]);
      expect(run.scalars.train_loss?.map((p) => p.step)).toEqual([5, 10, 15, 20]);
      expect(run.images.input?.[0]).toMatchObject({ width: 8 * 32, height: 2 * 32 });
      expect(Object.keys(run.histograms).sort()).toEqual(['0.bias', '0.weight', '3.bias', '3.weight']);
      expect(run.graph?.node?.length).toBeGreaterThan(0);
      expect(run.hparams?.values).toEqual({ lr: 0.01, batch_size: 16 });
      expect(run.hparams?.metricTags).toEqual(['train_loss']);
    },
  },
  'read-logs.ts': {
    check: ({ stdout }) => {
      expect(stdout).toMatch(/^demo \[/m);
      expect(stdout).toMatch(/step: 3,.*value: 0\.33333/s);
      expect(stdout).toContain('three *steps*');
      expect(stdout).toMatch(/^\[\]$/m);
    },
  },
});
