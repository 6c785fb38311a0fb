import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';
import { writeTinyCifar } from './tiny-cifar.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'train-from-code.ts': {
    // wasm, the apps' backend where native is absent: on tfjs's cpu kernels one 64-image batch of the tutorial
    // network took 14–25 s on the shared 2-core dev machine. One batch per epoch.
    env: { TRAINKIT_BACKEND: 'wasm' },
    timeoutMs: 240_000,
    setup: (cwd) => {
      writeTinyCifar(join(cwd, 'data'), { train: 64, test: 32 });
    },
    check: ({ cwd, stdout }) => {
      const [accuracy, runDir] = stdout.trim().split('\n').at(-1)!.split(' ');
      expect(Number(accuracy)).toBeGreaterThanOrEqual(0);
      expect(Number(accuracy)).toBeLessThanOrEqual(1);
      expect(runDir!.startsWith(join(cwd, 'runs', 'cifar-train'))).toBe(true);
      expect(existsSync(join(runDir!, 'checkpoints', 'epoch_2.safetensors'))).toBe(true);
    },
  },
});
