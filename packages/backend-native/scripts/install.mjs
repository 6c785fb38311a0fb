// Builds the oneDNN addon at install time, offline, and never fails the install: when oneDNN's headers, a C++
// compiler, Node's headers or node-gyp are missing it records why in build-status.json and exits 0, so the rest of
// the workspace installs and the 'native' backend reports the reason when asked for.
//
// With --force (the package's build:addon script, run after installing what was missing) it builds even under
// TRAINKIT_SKIP_NATIVE_BUILD=1, and exits 1 when the addon could not be built: that command was asked to build.
import { spawnSync } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFailedReason, findPrerequisites, SKIPPED_REASON, statusLine } from './addon-build.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const statusFile = join(root, 'build-status.json');
const force = process.argv.includes('--force');

function finish(built, reason) {
  // through a temporary file and a rename: the addon's loader reads it, and a torn one would lose the reason
  const tmp = `${statusFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ built, reason, node: process.version }, null, 2)}\n`);
  renameSync(tmp, statusFile);
  console.log(statusLine(built, reason));
  process.exit(built || !force ? 0 : 1);
}

if (!force && process.env.TRAINKIT_SKIP_NATIVE_BUILD === '1') finish(false, SKIPPED_REASON);

const found = findPrerequisites();
if (found.reason) finish(false, found.reason);

rmSync(statusFile, { force: true });
const [cmd, ...pre] = found.gyp;
const run = spawnSync(cmd, [...pre, 'rebuild', `--nodedir=${found.nodedir}`, '--jobs=2'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'pipe'],
  encoding: 'utf8',
});
if (run.status !== 0) {
  process.stderr.write(run.stderr || '');
  finish(false, buildFailedReason(run.stderr, run.status));
}
finish(true, 'built');
