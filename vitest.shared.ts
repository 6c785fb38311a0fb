import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import sibling packages by name; point those names at source so no build runs first.
const pkg = (name: string, entry = 'index') =>
  fileURLToPath(new URL(`./packages/${name}/src/${entry}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // A subpath before its package: the first entry whose name prefixes the import wins.
    alias: {
      '@trainkit/core/kernels': pkg('core', 'kernels/index'),
      '@trainkit/core': pkg('core'),
      '@trainkit/data': pkg('data'),
      '@trainkit/metrics': pkg('metrics'),
      '@trainkit/models': pkg('models'),
      '@trainkit/tensorboard': pkg('tensorboard'),
      '@trainkit/test-models': pkg('test-models'),
      '@trainkit/viz': pkg('viz'),
      '@trainkit/train': pkg('train'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Child processes a test spawns (`node --import tsx cli.ts`) resolve @trainkit/* to source too, through the
    // packages' `trainkit-source` export condition, so no test needs a build first.
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=trainkit-source`.trim() },
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
