import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { conformanceProjects, project } from '../../vitest.conformance';
import shared from '../../vitest.shared';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const addonBuilt =
  existsSync(process.env.TRAINKIT_NATIVE_ADDON || here('./build/Release/trainkit_native.node')) &&
  process.env.TRAINKIT_DISABLE_NATIVE !== '1';

// This package's tests, and core's and test-models' conformance suites on 'native'. Where the addon is not built
// the conformance projects are left out; this package's own tests then skip with the reason.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [
        project({ name: 'native', include: ['test/**/*.test.ts'] }),
        ...(addonBuilt ? conformanceProjects('native', { setupFiles: [here('./test/setup-core-on-native.ts')] }) : []),
      ],
    },
  }),
);
