import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Core's conformance suites — every layer, loss and optimizer forward and backward against tfjs's cpu kernels and
// PyTorch's fixtures — run again on 'wasm' (TRAINKIT_TEST_BACKENDS, read by core's test/helpers/fixtures.ts); core
// itself runs them on cpu, since it does not depend on this package.
const CONFORMANCE = [
  'batch-norm-kernel',
  'conv2d-bias',
  'cross-entropy-kernel',
  'functional',
  'layers',
  'layers-batchnorm',
  'layers-dropout',
  'linear-bias',
  'losses',
  'optim',
  'optim-kernels',
  'sequential',
  'state',
  'transpose-elision',
];

// The same for the tutorial networks' suites in @trainkit/test-models (PyTorch's forward, gradients and state dicts).
const TUTORIAL_CONFORMANCE = ['layers-cifar', 'state-cifar'];

// Registers 'wasm' before any test runs, so that useBackend('wasm') and 'auto' find this package.
const setupFiles = [here('./test/setup-wasm.ts')];

// Each project restates the shared settings instead of extending them: vitest concatenates `include` lists when a
// project extends the root, and the core project must run these files only.
const project = (test: Record<string, unknown>) => ({
  resolve: shared.resolve,
  test: {
    testTimeout: shared.test?.testTimeout,
    hookTimeout: shared.test?.hookTimeout,
    pool: shared.test?.pool,
    setupFiles,
    ...test,
    env: { ...shared.test?.env, ...(test.env as Record<string, string> | undefined) },
  },
});

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [
        project({ name: 'wasm', include: ['test/**/*.test.ts'] }),
        project({
          name: 'core on wasm',
          root: here('../core'),
          include: CONFORMANCE.map((name) => `test/${name}.test.ts`),
          env: { TRAINKIT_TEST_BACKENDS: 'wasm' },
        }),
        project({
          name: 'test-models on wasm',
          root: here('../test-models'),
          include: TUTORIAL_CONFORMANCE.map((name) => `test/${name}.test.ts`),
          env: { TRAINKIT_TEST_BACKENDS: 'wasm' },
        }),
      ],
    },
  }),
);
