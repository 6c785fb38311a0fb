// Sums every workspace's vitest JSON report into one closing line, and fails when no test ran:
// a green exit code with zero tests would hide a broken test glob.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
// the workspaces of pnpm-workspace.yaml: every folder of packages/, apps/ and tools/, and examples/ itself
const workspaces = ['packages', 'apps', 'tools'].flatMap((group) =>
  existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => `${group}/${name}`) : [],
);
workspaces.push('examples');
// each workspace's `vitest run`, and the runs `pnpm test` adds: the fault campaign (test:faults) and the kernels
// under AddressSanitizer (test:asan)
const runs = [
  ['report.json', ''],
  ['faults-report.json', ' (test:faults)'],
  ['asan-report.json', ' (test:asan)'],
];
for (const workspace of workspaces) {
  for (const [file, label] of runs) {
    const report = join(root, workspace, '.vitest', file);
    if (!existsSync(report)) continue;
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    rows.push(
      `  ${workspace}${label}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`,
    );
  }
}
console.log(rows.join('\n'));
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0) {
  console.error('test-summary: no test ran');
  process.exit(1);
}
if (failed > 0) process.exit(1);
