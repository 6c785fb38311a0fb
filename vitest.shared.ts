import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import sibling packages by name; point those names at source so no build runs first.
const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@trainkit/core': pkg('core'),
      '@trainkit/data': pkg('data'),
      '@trainkit/metrics': pkg('metrics'),
      '@trainkit/tensorboard': pkg('tensorboard'),
      '@trainkit/viz': pkg('viz'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
