// `pnpm start` (from the repository root or here): trains the tutorial network (10 epochs, batches of 64: the
// app's defaults) from source — tsx compiles the TypeScript on the fly and the `trainkit-source` condition
// (package.json's start script) resolves @trainkit/* to the packages' src, so nothing needs building first.
// Its data (src/start-data.ts): --data-dir when given, else the full CIFAR-10 in ./data when it is there or
// --download fetches it, else the sample committed in samples/cifar-10-sample — so a fresh clone trains offline.
// Flags after `pnpm start --` are passed on (`pnpm start -- --epochs 2`).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(app, '../..');
const given = process.argv.slice(2).filter((a, i, all) => !(a === '--' && i === 0 && all.length > 0));

register();
const { startData } = await import('../src/start-data.ts');
const { main } = await import('../src/main.ts');
const { args, line } = startData(given, {
  dataDir: join(app, 'data'),
  sampleDir: join(root, 'samples', 'cifar-10-sample'),
  root,
});
// said by main once the flags parse, so `pnpm start -- --help` prints the help first and alone
process.exitCode = await main([...args, ...given], { command: 'pnpm start --', ...(line ? { notice: line } : {}) });
