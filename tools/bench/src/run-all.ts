// `pnpm bench`: trainkit against PyTorch on this machine, side by side and alternating. For the CIFAR network and the
// MNIST MLP (batch 64), training and inference images/s on every trainkit backend that loads (each in its own
// process) and in Debian's PyTorch (with OpenBLAS and with the reference BLAS when both are installed), in rounds
// whose order flips every round, medians over rounds; then DataLoader images/s and SummaryWriter scalars/s. Prints
// one table and writes bench-results.json at the repository root. See tools/bench/README.md.
//
//   pnpm bench                         full run, about 5 minutes on 2 cores
//   pnpm bench -- --quick              fewer, shorter rounds; skips the cpu backend's CIFAR training step
//   tsx src/run-all.ts --only mnist --backends wasm --no-dataloader --no-tensorboard
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Contender,
  pythonVariants,
  pytorchMissing,
  startPytorch,
  startTrainkit,
  type TimingRequest,
  type TrainkitSpec,
} from './contenders.js';
import { benchDataLoader } from './dataloader-bench.js';
import { BATCH, type BenchModel, type BenchTask } from './models.js';
import { median, roundThroughput } from './stats.js';
import { formatRate, markdownTable } from './table.js';
import { benchSummaryWriter } from './tensorboard-bench.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'min-seconds': { type: 'string' },
    only: { type: 'string', default: 'cifar,mnist' },
    /** trainkit backends: native (oneDNN; a note when not built), wasm, cpu, and wasm1 (wasm on one thread) */
    backends: { type: 'string', default: 'native,wasm,wasm1,cpu' },
    'no-pytorch': { type: 'boolean', default: false },
    'no-refblas': { type: 'boolean', default: false },
    'cpu-cifar-train': { type: 'boolean' },
    'no-dataloader': { type: 'boolean', default: false },
    'no-tensorboard': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const quick = args.quick;
const rounds = Number(args.rounds ?? (quick ? 3 : 5));
const minSeconds = Number(args['min-seconds'] ?? (quick ? 0.5 : 1.5));
const models = args.only.split(',').filter(Boolean) as BenchModel[];
const backends = args.backends.split(',').filter(Boolean) as TrainkitSpec[];
// tfjs's cpu backend needs minutes for one CIFAR training step without trainkit's cpu kernels, seconds with them
const cpuCifarTrain = args['cpu-cifar-train'] ?? !quick;
const cores = cpus().length;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const jsonPath = args.json ?? join(root, 'bench-results.json');

// Performance I (wasm) and Performance II (native) targets, as trainkit over the faster PyTorch in the same run
const TARGETS: Partial<Record<string, number>> = { 'cifar.train': 0.4, 'cifar.infer': 0.9, 'mnist.train': 0.5 };
const NATIVE_TARGETS: Partial<Record<string, number>> = { 'cifar.train': 1.5, 'cifar.infer': 2, 'mnist.train': 1 };
const MODEL_NAMES: Record<BenchModel, string> = { cifar: 'CIFAR net', mnist: 'MNIST MLP' };

interface Measured {
  imagesPerSec: number;
  rounds: number[];
  stepMsMedian: number;
  steps: number;
  note?: string;
}

interface WorkloadResult {
  results: Record<string, Measured>;
  /** trainkit-wasm (threads = cores) over the faster PyTorch */
  ratio?: number;
  /** trainkit-wasm-1thread over the faster PyTorch */
  ratioOneThread?: number;
  target?: number;
  /** trainkit-native over the faster PyTorch */
  nativeRatio?: number;
  nativeTarget?: number;
  notes: string[];
}

/** How a contender runs a task: slow cpu-backend work gets single steps, and CIFAR training on cpu one round. */
function plan(
  c: Contender,
  model: BenchModel,
  task: BenchTask,
): { warmup: number; req: TimingRequest; rounds: number } {
  const base = { warmup: quick ? 1 : 2, rounds, req: { task, minSteps: quick ? 2 : 3, minSeconds, maxSteps: 2000 } };
  if (c.id !== 'trainkit-cpu' || model !== 'cifar') return base;
  const single = { task, minSteps: 1, minSeconds: 0, maxSteps: 1 };
  return task === 'train' ? { warmup: 0, rounds: 1, req: single } : { warmup: 1, rounds, req: single };
}

async function benchModel(
  model: BenchModel,
  infos: Record<string, Record<string, unknown>>,
  log: (s: string) => void,
): Promise<Record<string, WorkloadResult>> {
  const contenders: Contender[] = [];
  const notes: string[] = [];
  for (const b of backends) {
    try {
      contenders.push(await startTrainkit(b, model));
    } catch (err) {
      notes.push(`trainkit ${b}: not available (${(err as Error).message.split('\n')[0]})`);
    }
  }
  if (!args['no-pytorch']) {
    const missing = await pytorchMissing();
    if (missing) notes.push(`PyTorch skipped: ${missing}`);
    else {
      const variants = pythonVariants().filter((v) => !(args['no-refblas'] && v.id === 'pytorch-refblas'));
      for (const v of variants) {
        const c = await startPytorch(v, model, cores);
        if (contenders.some((o) => o.id === c.id)) {
          notes.push(`${v.id}: resolved to the same BLAS as another run (${c.id}); dropped`);
          await c.close();
        } else contenders.push(c);
      }
    }
  }
  for (const c of contenders) infos[c.id] = c.info;
  const out: Record<string, WorkloadResult> = {};
  try {
    for (const task of ['train', 'infer'] as const) {
      const key = `${model}.${task}`;
      const result: WorkloadResult = {
        results: {},
        notes: [...notes],
        target: TARGETS[key],
        nativeTarget: NATIVE_TARGETS[key],
      };
      const active = contenders.filter((c) => {
        const skip = c.id === 'trainkit-cpu' && model === 'cifar' && task === 'train' && !cpuCifarTrain;
        if (skip) result.notes.push('trainkit-cpu CIFAR training skipped (--quick; --cpu-cifar-train runs one step)');
        return !skip;
      });
      const rounds: Record<string, number[][]> = Object.fromEntries(active.map((c) => [c.id, []]));
      for (const c of active) {
        const p = plan(c, model, task);
        if (p.warmup > 0) await c.time({ ...p.req, minSteps: p.warmup, minSeconds: 0, maxSteps: p.warmup });
      }
      const maxRounds = Math.max(...active.map((c) => plan(c, model, task).rounds));
      for (let r = 0; r < maxRounds; r++) {
        const order = r % 2 === 0 ? active : [...active].reverse();
        for (const c of order) {
          const p = plan(c, model, task);
          if (r >= p.rounds) continue;
          rounds[c.id]!.push(await c.time(p.req));
        }
        log(`  ${key} round ${r + 1}/${maxRounds}`);
      }
      for (const c of active) {
        const rs = rounds[c.id]!;
        const all = rs.flat();
        result.results[c.id] = {
          imagesPerSec: median(rs.map((ms) => roundThroughput(ms, BATCH))),
          rounds: rs.map((ms) => roundThroughput(ms, BATCH)),
          stepMsMedian: median(all),
          steps: all.length,
          ...(all.length === 1 ? { note: 'one step' } : {}),
        };
      }
      const wasm = result.results['trainkit-wasm']?.imagesPerSec;
      const torch = Math.max(
        ...Object.entries(result.results)
          .filter(([id]) => id.startsWith('pytorch'))
          .map(([, m]) => m.imagesPerSec),
      );
      if (wasm !== undefined && Number.isFinite(torch)) result.ratio = wasm / torch;
      const native = result.results['trainkit-native']?.imagesPerSec;
      if (native !== undefined && Number.isFinite(torch)) result.nativeRatio = native / torch;
      const wasm1 = result.results['trainkit-wasm-1thread']?.imagesPerSec;
      if (wasm1 !== undefined && Number.isFinite(torch)) result.ratioOneThread = wasm1 / torch;
      out[key] = result;
    }
  } finally {
    for (const c of contenders) await c.close();
  }
  return out;
}

function contenderLabel(id: string, info: Record<string, unknown> | undefined): string {
  if (id === 'trainkit-wasm') return `trainkit wasm${info?.threads ? ` (${info.threads} thr)` : ''}`;
  if (id === 'trainkit-cpu') return 'trainkit cpu';
  if (id === 'trainkit-native') return 'trainkit native (oneDNN)';
  if (id === 'trainkit-wasm-1thread') return 'trainkit wasm (1 thr)';
  if (id === 'pytorch-openblas') return 'PyTorch OpenBLAS';
  if (id === 'pytorch-reference') return 'PyTorch ref. BLAS';
  return id.replace('pytorch-', 'PyTorch ');
}

async function main(): Promise<void> {
  const started = new Date();
  const load0 = loadavg();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(
    `trainkit bench: ${cores} cores, load average ${load0.map((l) => l.toFixed(2)).join(' ')}, ${quick ? 'quick' : 'full'} run`,
  );
  const workloads: Record<string, WorkloadResult> = {};
  const infos: Record<string, Record<string, unknown>> = {};
  for (const model of models) {
    log(`${MODEL_NAMES[model]}…`);
    Object.assign(workloads, await benchModel(model, infos, log));
  }
  let dataloader: Awaited<ReturnType<typeof benchDataLoader>> | undefined;
  if (!args['no-dataloader']) {
    log('DataLoader…');
    dataloader = await benchDataLoader({ records: quick ? 10_000 : 50_000 });
  }
  let summaryWriter: Awaited<ReturnType<typeof benchSummaryWriter>> | undefined;
  if (!args['no-tensorboard']) {
    log('SummaryWriter…');
    summaryWriter = await benchSummaryWriter({ quick });
  }
  const load1 = loadavg();

  const ids = [...new Set(Object.values(workloads).flatMap((w) => Object.keys(w.results)))].sort((a, b) =>
    a.startsWith('trainkit') === b.startsWith('trainkit') ? 0 : a.startsWith('trainkit') ? -1 : 1,
  );
  const oneThread = ids.includes('trainkit-wasm-1thread');
  const native = ids.includes('trainkit-native');
  const header = [
    'workload (batch 64, images/s)',
    ...ids.map((id) => contenderLabel(id, infos[id])),
    'wasm / PyTorch',
    ...(oneThread ? ['wasm 1 thr / PyTorch'] : []),
    'wasm target',
    ...(native ? ['native / PyTorch', 'native target'] : []),
  ];
  const ratio = (r: number | undefined) => (r === undefined ? '—' : `${r.toFixed(2)}×`);
  const rows: string[][] = [];
  for (const [key, w] of Object.entries(workloads)) {
    const [model, task] = key.split('.') as [BenchModel, BenchTask];
    rows.push([
      `${MODEL_NAMES[model]}, ${task === 'train' ? 'training' : 'inference'}`,
      ...ids.map((id) => {
        const m = w.results[id];
        return m ? `${formatRate(m.imagesPerSec)}${m.note ? ` (${m.note})` : ''}` : '—';
      }),
      ratio(w.ratio),
      ...(oneThread ? [ratio(w.ratioOneThread)] : []),
      w.target === undefined ? '—' : `≥ ${w.target.toFixed(2)}×`,
      ...(native ? [ratio(w.nativeRatio), w.nativeTarget === undefined ? '—' : `≥ ${w.nativeTarget.toFixed(2)}×`] : []),
    ]);
  }
  // Backend-independent figures (JS data pipeline, event-file writer) get their own table, so no backend column
  // seems to own them.
  const others: string[][] = [];
  if (dataloader) others.push(['DataLoader, CIFAR-10 epoch (JS), images/s', formatRate(dataloader.imagesPerSec)]);
  if (summaryWriter) {
    others.push(['SummaryWriter.addScalar queued, scalars/s', formatRate(summaryWriter.scalarsQueuedPerSec)]);
    others.push([
      'SummaryWriter.addScalar to disk, scalars/s',
      formatRate(summaryWriter.scalarsToDiskPerSec_maxQueue10),
    ]);
  }
  const table = markdownTable(header, rows, (i) => i > 0);
  const otherTable = others.length > 0 ? markdownTable(['pipeline (no backend)', 'median'], others, (i) => i > 0) : '';
  const notes = [...new Set(Object.values(workloads).flatMap((w) => w.notes))];
  const machine = {
    cores,
    cpu: cpus()[0]?.model,
    platform: `${platform()} ${release()}`,
    node: process.version,
    loadAverageStart: load0,
    loadAverageEnd: load1,
  };
  console.log(`\ntrainkit bench, ${started.toISOString()} — ${cores} cores (${machine.cpu}), Node ${process.version}`);
  console.log(
    `load average ${load0.map((l) => l.toFixed(2)).join(' ')} at start, ${load1.map((l) => l.toFixed(2)).join(' ')} at end; ` +
      `${quick ? 'quick run' : 'full run'}: ${rounds} alternating rounds of ≥ ${minSeconds} s per contender, medians\n`,
  );
  console.log(table);
  if (otherTable) console.log(`\n${otherTable}`);
  for (const n of notes) console.log(`- ${n}`);
  writeFileSync(
    jsonPath,
    `${JSON.stringify({ date: started.toISOString(), machine, options: { quick, rounds, minSeconds }, workloads, contenders: infos, dataloader, summaryWriter, table, notes }, null, 2)}\n`,
  );
  console.log(`\nwrote ${jsonPath}`);
}

await main();
