// Packs every publishable package, checks it with publint, installs the tarballs into a scratch project outside
// the workspace and imports each one both as ESM and as CJS. Run after `pnpm build`: node tools/scripts/pack-check.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const pkgDirs = readdirSync(join(root, 'packages')).map((n) => join(root, 'packages', n));
const scratch = mkdtempSync(join(tmpdir(), 'trainkit-pack-'));
const tarballs = [];
let failed = 0;

for (const dir of pkgDirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  const out = run('pnpm', ['pack', '--pack-destination', scratch], dir).trim().split('\n').pop();
  const tgz = out.startsWith('/') ? out : join(scratch, out.split('/').pop());
  try {
    run('npx', ['--yes', 'publint@0.3.25', '--strict', tgz], root);
    console.log(`publint ok   ${pkg.name}`);
  } catch (e) {
    failed++;
    console.log(`publint FAIL ${pkg.name}\n${e.stdout}${e.stderr}`);
  }
  tarballs.push({ name: pkg.name, tgz });
}

writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
// npm resolves the tarballs' workspace:^ dependencies on each other from the other tarballs given here.
run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs.map((t) => t.tgz)], scratch);
for (const { name } of tarballs) {
  for (const [kind, code, ext] of [
    // core has to find @trainkit/backend-wasm, and that its wasm binaries, inside the installed tarballs, with no network.
    [
      'ESM',
      name === '@trainkit/backend-wasm'
        ? `import * as m from '${name}'; const { useBackend } = await import('@trainkit/core'); const b = await useBackend('wasm'); if (b.name !== 'wasm') throw new Error(b.name); console.log(Object.keys(m).length);`
        : `import * as m from '${name}'; console.log(Object.keys(m).length);`,
      'mjs',
    ],
    ['CJS', `const m = require('${name}'); console.log(Object.keys(m).length);`, 'cjs'],
  ]) {
    const file = join(scratch, `check.${ext}`);
    writeFileSync(file, code);
    try {
      const n = Number(run(process.execPath, [file], scratch).trim().split('\n').pop());
      if (!(n > 0)) throw new Error(`no exports (${n})`);
      console.log(`import ok    ${name} (${kind}, ${n} exports)`);
    } catch (e) {
      failed++;
      console.log(`import FAIL  ${name} (${kind})\n${e.stderr ?? e.message}`);
    }
  }
}
rmSync(scratch, { recursive: true, force: true });
console.log(
  failed ? `pack-check: ${failed} failure(s)` : 'pack-check: all packages pack, pass publint and import as ESM and CJS',
);
process.exit(failed ? 1 : 0);
