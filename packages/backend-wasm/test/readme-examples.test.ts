import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'train-on-wasm.ts': {
    check: ({ stdout }) => {
      expect(stdout).toMatch(/^[1-8]$/m);
      expect(stdout).toMatch(/^loss \d+\.\d+$/m);
    },
  },
});
