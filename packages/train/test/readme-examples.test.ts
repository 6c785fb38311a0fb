import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { writeTinyCifar } from '../../../apps/cifar-train/test/tiny-cifar.js';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'train-cifar.ts': {
    setup: (cwd) => {
      writeTinyCifar(join(cwd, 'data'), { train: 128, test: 64 });
    },
    check: ({ stdout }) => {
      const runDir = /^logs and checkpoints in (.+)$/m.exec(stdout)?.[1];
      expect(runDir).toBeDefined();
      const manifest = JSON.parse(readFileSync(join(runDir!, 'manifest.json'), 'utf8'));
      expect(manifest.status).toBe('completed');
      expect(existsSync(join(runDir!, 'checkpoints', 'epoch_2.safetensors'))).toBe(true);
      expect(existsSync(join(runDir!, 'checkpoints', 'best.safetensors'))).toBe(true);
    },
  },
});
