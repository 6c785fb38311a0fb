// Per-kernel time of the exact training step (or inference pass) that run-all.ts times, through tf.profile:
//
//   npx tsx --conditions=trainkit-source tools/bench/src/profile-step.ts --model cifar|mnist [--task train|infer]
//       [--backend wasm|native|cpu] [--steps 5] [--top 15]
//
// Prints the median step time, the kernels by median time per step, the JavaScript time outside kernels (engine,
// tape, tidy, optimizer bookkeeping), and the tensor count before and after (flat means no leak).
import { parseArgs } from 'node:util';
import { describeBackend, tf, useBackend } from '@trainkit/core';
import { BATCH, type BenchModel, makeWorkload } from './models.js';
import { median } from './stats.js';
import { markdownTable } from './table.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'cifar' },
    task: { type: 'string', default: 'train' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '5' },
    top: { type: 'string', default: '15' },
  },
});
const steps = Number(args.steps);

await useBackend(args.backend as 'wasm' | 'native' | 'cpu');
const workload = makeWorkload(args.model as BenchModel);
const run = args.task === 'train' ? () => void workload.train() : () => workload.infer();
run();
run();
const before = tf.memory().numTensors;
const plain: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < steps; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  plain.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const after = tf.memory().numTensors;

const perKernel = new Map<string, { ms: number[]; calls: number }>();
const kernelSums: number[] = [];
for (let s = 0; s < steps; s++) {
  const info = await tf.profile(run);
  const step = new Map<string, { ms: number; calls: number }>();
  let sum = 0;
  for (const k of info.kernels) {
    // `name__op` entries are custom-gradient ops (logSoftmax, fused ops) timed around their own kernels
    if (k.name.endsWith('__op')) continue;
    const ms = Number(await k.kernelTimeMs);
    sum += ms;
    const e = step.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls += 1;
    step.set(k.name, e);
  }
  kernelSums.push(sum);
  for (const [name, e] of step) {
    const r = perKernel.get(name) ?? { ms: [], calls: e.calls };
    r.ms.push(e.ms);
    perKernel.set(name, r);
  }
}
const stepMs = median(plain);
const kernelMs = median(kernelSums);
const rows = [...perKernel]
  .map(([name, r]) => ({ name, ms: median(r.ms), calls: r.calls }))
  .sort((a, b) => b.ms - a.ms);
const calls = rows.reduce((a, r) => a + r.calls, 0);
console.log(
  `${args.model} ${args.task}, batch ${BATCH}, ${describeBackend()}: ${stepMs.toFixed(1)} ms per step ` +
    `(${((BATCH * 1000) / stepMs).toFixed(0)} images/s), ${median(cpu).toFixed(1)} ms of CPU time (all threads), ` +
    `median of ${steps}`,
);
console.log(
  `kernels: ${kernelMs.toFixed(1)} ms in ${calls} calls; outside kernels ≈ ${(stepMs - kernelMs).toFixed(1)} ms ` +
    `(profiling adds its own overhead to the kernel sum); tensors ${before} → ${after}\n`,
);
console.log(
  markdownTable(
    ['kernel', 'ms', 'calls', 'share'],
    rows
      .slice(0, Number(args.top))
      .map((r) => [r.name, r.ms.toFixed(2), String(r.calls), `${((100 * r.ms) / kernelMs).toFixed(0)}%`]),
    (i) => i > 0,
  ),
);
workload.dispose();
