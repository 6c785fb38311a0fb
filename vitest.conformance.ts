import { fileURLToPath } from 'node:url';
import shared from './vitest.shared';

const packageDir = (name: string) => fileURLToPath(new URL(`./packages/${name}`, import.meta.url));

// The conformance suites — every layer, loss and optimizer forward and backward against tfjs's cpu kernels and
// PyTorch's fixtures — that core runs on cpu and each backend package runs again on its own backend
// (TRAINKIT_TEST_BACKENDS, read by core's test/helpers/fixtures.ts), with the tutorial networks' suites of test-models.
const SUITES = {
  core: [
    'batch-norm-kernel',
    'clip-grad',
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
    'tensor-ops',
    'integer-conv',
    'transpose-elision',
  ],
  'test-models': ['layers-cifar', 'state-cifar'],
};

/**
 * A vitest project with the shared settings restated: vitest concatenates `include` lists when a project extends the
 * root, and each project must run its own files only.
 */
export const project = (test: Record<string, unknown>) => ({
  resolve: shared.resolve,
  test: {
    testTimeout: shared.test?.testTimeout,
    hookTimeout: shared.test?.hookTimeout,
    pool: shared.test?.pool,
    ...test,
    env: { ...shared.test?.env, ...(test.env as Record<string, string> | undefined) },
  },
});

/** The projects that run the conformance suites of core and test-models on `backend`. */
export function conformanceProjects(backend: string, { setupFiles }: { setupFiles: string[] }) {
  return Object.entries(SUITES).map(([pkg, suites]) =>
    project({
      name: `${pkg} on ${backend}`,
      root: packageDir(pkg),
      include: suites.map((name) => `test/${name}.test.ts`),
      setupFiles,
      env: { TRAINKIT_TEST_BACKENDS: backend },
    }),
  );
}
