// `pnpm test:asan`: builds the oneDNN addon once more with AddressSanitizer, into build-asan/ (the normal build in
// build/ stays as it is), and runs this package's tests on it (the conformance suites too when asked). Node itself
// is not built with ASan, so the runtime is preloaded (LD_PRELOAD); leak checking is off, since V8 and Node keep
// allocations to the end of the process by design, and ASan would report those rather than the addon's. Any invalid read or write,
// use after free or overflow in the kernels aborts the test run with ASan's report.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPrerequisites } from './addon-build.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'build-asan');
const started = Date.now();

// its own report file, so that `pnpm test`'s closing line counts these runs beside the package's ordinary ones
const reportFile = join(root, '.vitest', 'asan-report.json');
rmSync(reportFile, { force: true });
const found = findPrerequisites();
if (found.reason) {
  // as the package's tests skip where the addon cannot be built (the native backend is optional), so does this
  console.log(`test:asan: skipped: cannot build the addon: ${found.reason}`);
  process.exit(0);
}
// binding.gyp with its sources seen from build-asan/ and ASan's flags (-O1 -g: readable reports, as ASan advises)
const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8'));
for (const target of gyp.targets) {
  target.sources = target.sources.map((s) => `../${s}`);
  target.cflags_cc = [
    ...target.cflags_cc.filter((f) => !/^-O/.test(f)),
    '-O1',
    '-g',
    '-fsanitize=address',
    '-fno-omit-frame-pointer',
  ];
  target.ldflags = [...(target.ldflags ?? []), '-fsanitize=address'];
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'binding.gyp'), `${JSON.stringify(gyp, null, 2)}\n`);
const [cmd, ...pre] = found.gyp;
const build = spawnSync(cmd, [...pre, 'rebuild', `--nodedir=${found.nodedir}`, '--jobs=2'], {
  cwd: out,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);
const built = ((Date.now() - started) / 1000).toFixed(0);

const cxx = process.env.CXX || 'c++';
const libasan = execFileSync(cxx, ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
const env = {
  ...process.env,
  LD_PRELOAD: [libasan, process.env.LD_PRELOAD].filter(Boolean).join(' '),
  ASAN_OPTIONS: ['detect_leaks=0', 'abort_on_error=1', process.env.ASAN_OPTIONS].filter(Boolean).join(':'),
  TRAINKIT_NATIVE_ADDON: join(out, 'build', 'Release', 'trainkit_native.node'),
  TRAINKIT_ASAN: '1',
};
// The kernels' own tests by default (vitest's 'native' project); arguments replace that, e.g. `pnpm test:asan --
// --project 'core on native'` for core's layer suites on the ASan build, or no project filter for everything.
const filter = process.argv.length > 2 ? process.argv.slice(2) : ['--project', 'native'];
const tests = spawnSync('npx', ['vitest', 'run', ...filter, `--outputFile.json=${reportFile}`], {
  cwd: root,
  stdio: 'inherit',
  env,
});
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const { numPassedTests: passed, numFailedTests: failed, numTotalTests: total } = report;
console.log(
  `test:asan: addon built with AddressSanitizer in ${built} s; ${passed} of ${total} tests passed, ${failed} failed, in ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
);
if (tests.status !== 0) process.exit(tests.status ?? 1);
// the whole run (not a filtered one) is what the README's reliability table reports
if (process.argv.length === 2) {
  const { expectReliabilityFigure } = await import('../../../tools/testing/reliability-table.ts');
  expectReliabilityFigure('AddressSanitizer', `${passed}/${total} tests`);
}
