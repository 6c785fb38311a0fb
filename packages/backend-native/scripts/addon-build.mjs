// What scripts/install.mjs needs to build the oneDNN addon, and the words it prints when something is missing: a
// module of its own, without side effects, so the tests check those words without building anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The command that (re)builds the addon after its prerequisites are installed. `pnpm rebuild` does not: pnpm 12
 * answers "Already up to date" for a workspace package whose install script already ran.
 */
export const BUILD_COMMAND = 'pnpm --filter @trainkit/backend-native run build:addon';
const hint = `then ${BUILD_COMMAND}`;

/** The line the install script prints. */
export function statusLine(built, reason) {
  return built ? '@trainkit/backend-native: built the oneDNN addon' : `@trainkit/backend-native: not built — ${reason}`;
}

/** Why the build is skipped when TRAINKIT_SKIP_NATIVE_BUILD=1, with how to build it anyway. */
export const SKIPPED_REASON = `build skipped by TRAINKIT_SKIP_NATIVE_BUILD=1 — to build it: ${BUILD_COMMAND}`;

// node-gyp: a local copy, the one npm bundles, or one on PATH (pnpm puts its own there for lifecycle scripts).
function findNodeGyp() {
  const require = createRequire(import.meta.url);
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
  } catch {}
  const bundled = join(
    dirname(dirname(process.execPath)),
    'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  );
  if (existsSync(bundled)) return [process.execPath, bundled];
  try {
    execFileSync('node-gyp', ['--version'], { stdio: 'ignore' });
    return ['node-gyp'];
  } catch {
    return undefined;
  }
}

/**
 * Checks what the build needs, in the order a user would install it. Returns `{ gyp, nodedir }` (the node-gyp
 * command and Node's header prefix) when all is there, else `{ reason }`: what is missing, what to install and the
 * command to run then. Each check can be replaced (the tests do).
 */
export function findPrerequisites({
  env = process.env,
  // oneDNN's headers: Debian's libdnnl-dev, or a DNNLROOT prefix.
  includeDirs = [env.DNNLROOT && join(env.DNNLROOT, 'include'), '/usr/include', '/usr/local/include'],
  cxx = env.CXX || 'c++',
  // Node's own headers, next to the running binary (/usr/include/node for /usr/bin/node): node-gyp would otherwise
  // download them, which fails offline.
  nodedir = env.npm_config_nodedir || dirname(dirname(process.execPath)),
  nodeGyp = findNodeGyp,
} = {}) {
  if (!includeDirs.some((d) => d && existsSync(join(d, 'dnnl.hpp')))) {
    return { reason: `libdnnl not found — apt-get install libdnnl-dev, ${hint}` };
  }
  if (spawnSync(cxx, ['--version'], { stdio: 'ignore' }).status !== 0) {
    return { reason: `no C++ compiler (${cxx}) — apt-get install g++ make python3, ${hint}` };
  }
  if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
    return {
      reason: `Node's headers are not in ${nodedir}/include/node — install them (Debian: libnode-dev), ${hint}`,
    };
  }
  const gyp = nodeGyp();
  if (!gyp) return { reason: `node-gyp not found — npm i -g node-gyp, ${hint}` };
  return { gyp, nodedir };
}

/** The reason recorded when node-gyp ran and failed. */
export function buildFailedReason(stderr, status) {
  const lastError = (stderr || '').split('\n').filter((l) => /error/i.test(l))[0] ?? `exit ${status}`;
  return `node-gyp failed (${lastError.trim()}) — fix it, ${hint}`;
}
