import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'train-from-code.ts': {
    // wasm, the apps' backend where native is absent (3 epochs on the bundled digits took 136 s on cpu here)
    env: { TRAINKIT_BACKEND: 'wasm' },
    timeoutMs: 300_000,
    check: ({ cwd, stdout }) => {
      // the test accuracy, then the figure of the most confidently wrong test digits
      const [accuracy, figure] = stdout.trim().split('\n').at(-1)!.split(' ');
      expect(Number(accuracy)).toBeGreaterThan(0.5);
      expect(figure!.startsWith(cwd)).toBe(true);
      expect(figure!.endsWith('most_incorrect.png')).toBe(true);
      expect(existsSync(figure!)).toBe(true);
    },
  },
});
