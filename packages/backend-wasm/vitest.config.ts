import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { conformanceProjects, project } from '../../vitest.conformance';
import shared from '../../vitest.shared';

// Registers 'wasm' before any test runs, so that useBackend('wasm') and 'auto' find this package.
const setupFiles = [fileURLToPath(new URL('./test/setup-wasm.ts', import.meta.url))];

// This package's tests, and core's and test-models' conformance suites on 'wasm' (core runs them on cpu, since it
// does not depend on this package).
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [
        project({ name: 'wasm', include: ['test/**/*.test.ts'], setupFiles }),
        ...conformanceProjects('wasm', { setupFiles }),
      ],
    },
  }),
);
