import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Core's conformance suites — every layer, loss and optimizer forward and backward against tfjs's cpu kernels and
// PyTorch's fixtures — run again on 'native' (TRAINKIT_TEST_BACKENDS, read by core's test/helpers/fixtures.ts).
// Where the addon is not built they are left out; this package's own tests then skip with the reason.
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
const addonBuilt =
  existsSync(here('./build/Release/trainkit_native.node')) && process.env.TRAINKIT_DISABLE_NATIVE !== '1';

// Each project restates the shared settings instead of extending them: vitest concatenates `include` lists when a
// project extends the root, and the core project must run these files only.
const project = (test: Record<string, unknown>) => ({
  resolve: shared.resolve,
  test: {
    testTimeout: shared.test?.testTimeout,
    hookTimeout: shared.test?.hookTimeout,
    pool: shared.test?.pool,
    ...test,
    env: { ...shared.test?.env, ...(test.env as Record<string, string> | undefined) },
  },
});

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [
        project({ name: 'native', include: ['test/**/*.test.ts'] }),
        ...(addonBuilt
          ? [
              project({
                name: 'core on native',
                root: here('../core'),
                include: CONFORMANCE.map((name) => `test/${name}.test.ts`),
                setupFiles: [here('./test/setup-core-on-native.ts')],
                env: { TRAINKIT_TEST_BACKENDS: 'native' },
              }),
              project({
                name: 'test-models on native',
                root: here('../test-models'),
                include: TUTORIAL_CONFORMANCE.map((name) => `test/${name}.test.ts`),
                setupFiles: [here('./test/setup-core-on-native.ts')],
                env: { TRAINKIT_TEST_BACKENDS: 'native' },
              }),
            ]
          : []),
      ],
    },
  }),
);
