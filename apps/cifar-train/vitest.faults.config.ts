import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// `pnpm test:faults`: the kill -9 campaign and the resume-exactness runs (test/*.faults.ts): minutes of child
// processes, so outside `pnpm test`. The shared config with its test files replaced (mergeConfig would add them).
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ['test/**/*.faults.ts'],
    testTimeout: 300_000,
    outputFile: { json: '.vitest/faults-report.json' },
  },
});
