import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'tutorial-models.ts': {
    check: ({ stdout }) => expect(stdout).toMatch(/^9 \[ 64, 10 \] \[ 64, 100 \] \d+\.\d+$/m),
  },
});
