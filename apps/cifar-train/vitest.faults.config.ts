import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// `pnpm test:faults`: the kill -9 campaign and the resume-exactness runs (test/*.faults.ts): minutes of child
// processes, so outside `pnpm test`.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['test/**/*.faults.ts'],
      testTimeout: 300_000,
      outputFile: { json: '.vitest/faults-report.json' },
    },
  }),
);
