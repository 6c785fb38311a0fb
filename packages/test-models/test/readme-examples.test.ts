import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'tutorial-models.ts': {
    // the run (startup, one step of the CIFAR network on tfjs's cpu kernels) took 79 s on the loaded dev machine
    timeoutMs: 240_000,
    check: ({ stdout }) => expect(stdout).toMatch(/^9 \[ 64, 10 \] \[ 64, 100 \] \d+\.\d+$/m),
  },
});
