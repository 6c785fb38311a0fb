// `pnpm start` (from the repository root or here): trains the tutorial network for 10 epochs, from source — tsx
// compiles the TypeScript on the fly and the `trainkit-source` condition (package.json's start script) resolves
// @trainkit/* to the packages' src, so nothing needs building first. Uses the shared CIFAR-10 sample when the checkout has one beside it, else the full
// CIFAR-10 in ./data, downloaded when absent. Flags after `pnpm start --` are passed on (`pnpm start -- --epochs 2`).
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sample = resolve(app, '../../../shared/data/cifar-10-sample');
const given = process.argv.slice(2).filter((a, i, all) => !(a === '--' && i === 0 && all.length > 0));
const hasDataDir = given.some((a) => a === '--data-dir' || a.startsWith('--data-dir='));
const args = ['--epochs', '10'];
// Said by main once the flags parse, so `pnpm start -- --help` prints the help first and alone.
let notice;
if (hasDataDir) {
  notice = 'pnpm start: training on the --data-dir given';
} else if (existsSync(sample)) {
  notice = `pnpm start: training on the shared CIFAR-10 sample in ${sample} (a partial set: 4,000 train / 1,000 test images)`;
  args.push('--data-dir', sample);
} else {
  notice = `pnpm start: no shared CIFAR-10 sample at ${sample}; training on the full CIFAR-10 in ${join(relative(process.cwd(), app) || '.', 'data')} (downloaded when absent)`;
  args.push('--data-dir', join(app, 'data'));
}

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main([...args, ...given], { command: 'pnpm start --', notice });
