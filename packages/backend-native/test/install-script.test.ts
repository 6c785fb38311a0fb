import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_COMMAND, findPrerequisites, SKIPPED_REASON, statusLine } from '../scripts/addon-build.mjs';
import { NATIVE_BUILD_COMMAND } from '../src/addon.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  name: string;
  scripts: Record<string, string>;
};
const scratch = mkdtempSync(join(tmpdir(), 'tk-native-install-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const HINT = 'then pnpm --filter @trainkit/backend-native run build:addon';

describe('the install script’s messages', () => {
  it('without libdnnl: says to install libdnnl-dev, then the command that builds the addon', () => {
    const found = findPrerequisites({ includeDirs: [scratch] });
    expect(found.reason).toBe(`libdnnl not found — apt-get install libdnnl-dev, ${HINT}`);
    expect(statusLine(false, found.reason!)).toBe(
      `@trainkit/backend-native: not built — libdnnl not found — apt-get install libdnnl-dev, ${HINT}`,
    );
  });

  it('the other missing prerequisites end with the same command', () => {
    const include = join(scratch, 'include');
    mkdirSync(include, { recursive: true });
    writeFileSync(join(include, 'dnnl.hpp'), '');
    const noCompiler = findPrerequisites({ includeDirs: [include], cxx: join(scratch, 'no-such-c++') });
    expect(noCompiler.reason).toBe(
      `no C++ compiler (${join(scratch, 'no-such-c++')}) — apt-get install g++ make python3, ${HINT}`,
    );
    const noHeaders = findPrerequisites({ includeDirs: [include], cxx: process.execPath, nodedir: scratch });
    expect(noHeaders.reason).toMatch(new RegExp(`^Node's headers are not in ${scratch}/include/node .*, ${HINT}$`));
    expect(SKIPPED_REASON).toBe(`build skipped by TRAINKIT_SKIP_NATIVE_BUILD=1 — to build it: ${BUILD_COMMAND}`);
  });

  it('the command it names is this package’s build:addon script, which forces the install script; the addon says the same', () => {
    const [, name, script] = /^pnpm --filter (\S+) run (\S+)$/.exec(BUILD_COMMAND) ?? [];
    expect(name).toBe(pkg.name);
    expect(pkg.scripts[script!]).toBe('node scripts/install.mjs --force');
    expect(NATIVE_BUILD_COMMAND).toBe(BUILD_COMMAND);
  });

  it('prints its line with the command, exit 0 at install time and 1 for build:addon when it cannot build', () => {
    // a copy of the package's scripts, so build-status.json is written there and not in this package
    const copy = join(scratch, 'pkg');
    cpSync(join(pkgDir, 'scripts'), join(copy, 'scripts'), { recursive: true });
    const run = (args: string[], env: Record<string, string>) =>
      spawnSync(process.execPath, [join(copy, 'scripts', 'install.mjs'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    const skipped = run([], { TRAINKIT_SKIP_NATIVE_BUILD: '1' });
    expect([skipped.status, skipped.stdout]).toEqual([0, `${statusLine(false, SKIPPED_REASON)}\n`]);
    expect(JSON.parse(readFileSync(join(copy, 'build-status.json'), 'utf8'))).toMatchObject({
      built: false,
      reason: SKIPPED_REASON,
    });
    // --force ignores the skip and fails loudly: here for want of a compiler (or of libdnnl, where it is absent)
    const forced = run(['--force'], { TRAINKIT_SKIP_NATIVE_BUILD: '1', CXX: join(scratch, 'no-such-c++') });
    expect(forced.status).toBe(1);
    expect(forced.stdout).toMatch(/^@trainkit\/backend-native: not built — (no C\+\+ compiler|libdnnl not found)/);
    expect(forced.stdout.trimEnd().endsWith(HINT)).toBe(true);
  });
});
