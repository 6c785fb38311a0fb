// Builds the oneDNN addon at install time, offline, and never fails the install: when oneDNN's headers, a C++
// compiler, Node's headers or node-gyp are missing it records why in build-status.json and exits 0, so the rest of
// the workspace installs and the 'native' backend reports the reason when asked for.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const statusFile = join(root, 'build-status.json');
const rebuildHint = 'then pnpm rebuild @trainkit/backend-native';

function finish(built, reason) {
  writeFileSync(statusFile, `${JSON.stringify({ built, reason, node: process.version }, null, 2)}\n`);
  console.log(
    built ? '@trainkit/backend-native: built the oneDNN addon' : `@trainkit/backend-native: not built — ${reason}`,
  );
  process.exit(0);
}

if (process.env.TRAINKIT_SKIP_NATIVE_BUILD === '1') finish(false, 'build skipped by TRAINKIT_SKIP_NATIVE_BUILD=1');

// oneDNN's headers: Debian's libdnnl-dev, or a DNNLROOT prefix.
const includeDirs = [
  process.env.DNNLROOT && join(process.env.DNNLROOT, 'include'),
  '/usr/include',
  '/usr/local/include',
];
if (!includeDirs.some((d) => d && existsSync(join(d, 'dnnl.hpp')))) {
  finish(false, `libdnnl not found — apt-get install libdnnl-dev, ${rebuildHint}`);
}

const cxx = process.env.CXX || 'c++';
if (spawnSync(cxx, ['--version'], { stdio: 'ignore' }).status !== 0) {
  finish(false, `no C++ compiler (${cxx}) — apt-get install g++ make python3, ${rebuildHint}`);
}

// Node's own headers, next to the running binary (/usr/include/node for /usr/bin/node): node-gyp would otherwise
// download them, which fails offline.
const nodedir = process.env.npm_config_nodedir || dirname(dirname(process.execPath));
if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
  finish(
    false,
    `Node's headers are not in ${nodedir}/include/node — install them (Debian: libnode-dev), ${rebuildHint}`,
  );
}

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
const gyp = findNodeGyp();
if (!gyp) finish(false, `node-gyp not found — npm i -g node-gyp, ${rebuildHint}`);

rmSync(statusFile, { force: true });
const [cmd, ...pre] = gyp;
const run = spawnSync(cmd, [...pre, 'rebuild', `--nodedir=${nodedir}`, '--jobs=2'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'pipe'],
  encoding: 'utf8',
});
if (run.status !== 0) {
  const lastError = (run.stderr || '').split('\n').filter((l) => /error/i.test(l))[0] ?? `exit ${run.status}`;
  process.stderr.write(run.stderr || '');
  finish(false, `node-gyp failed (${lastError.trim()}) — fix it, ${rebuildHint}`);
}
finish(true, 'built');
