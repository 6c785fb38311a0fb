// Benchmarks @trainkit/tensorboard's write path: `npx tsx tools/bench/src/tensorboard-bench.ts [--quick] [--json FILE]`.
// Targets (issue): >= 1,000,000 scalars/s queued, >= 200,000 scalars/s to disk, <= 50 ms per 1M-value histogram.
// run-all.ts calls benchSummaryWriter() for the scalars/s rows of its table.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SummaryWriter } from '../../../packages/tensorboard/src/index.js';
import { encodeMessage, pb } from '../../../packages/tensorboard/src/proto.js';
import { ScalarEventEncoder } from '../../../packages/tensorboard/src/scalar-event.js';
import { makeHistogram } from '../../../packages/tensorboard/src/summary/histogram.js';
import { encodeRecord } from '../../../packages/tensorboard/src/tfrecord.js';

export interface SummaryWriterBenchOptions {
  /** fewer scalars and repeats (about 3 s instead of about 15 s) */
  quick?: boolean;
  /** also time histograms and the scalar encoders (the standalone run does) */
  details?: boolean;
}

export type SummaryWriterBenchResult = Record<string, number> & {
  scalarsQueuedPerSec: number;
  scalarsToDiskPerSec_maxQueue10: number;
};

function best(runs: number, fn: () => number): number {
  let top = 0;
  for (let i = 0; i < runs; i++) top = Math.max(top, fn());
  return top;
}

export async function benchSummaryWriter(options: SummaryWriterBenchOptions = {}): Promise<SummaryWriterBenchResult> {
  const quick = options.quick ?? false;
  const runs = quick ? 2 : 3;
  const root = mkdtempSync(join(tmpdir(), 'tk-tb-bench-'));
  const results: Record<string, number> = {};
  try {
    // 1. addScalar into the queue: nothing is written during the loop (huge maxQueue and flushSecs).
    const N = quick ? 500_000 : 2_000_000;
    results.scalarsQueuedPerSec = best(runs, () => {
      const w = new SummaryWriter(join(root, `queued-${Math.random()}`), { maxQueue: 1e9, flushSecs: 1e6 });
      const t0 = performance.now();
      for (let i = 0; i < N; i++) w.addScalar('train_loss', i * 1e-3, i);
      const dt = performance.now() - t0;
      void w.close();
      return N / (dt / 1000);
    });

    // 2. addScalar through to disk with PyTorch's defaults (maxQueue 10, flushSecs 120), timed until close() resolves.
    const M = quick ? 250_000 : 1_000_000;
    for (const [label, maxQueue] of [
      ['scalarsToDiskPerSec_maxQueue10', 10],
      ['scalarsToDiskPerSec_maxQueue1000', 1000],
    ] as const) {
      results[label] = await (async () => {
        let top = 0;
        for (let r = 0; r < runs; r++) {
          const dir = join(root, `disk-${label}-${r}`);
          const t0 = performance.now();
          const w = new SummaryWriter(dir, { maxQueue });
          for (let i = 0; i < M; i++) {
            w.addScalar('train_loss', i * 1e-3, i);
            // a training loop yields now and then (data loading), letting the async writes complete
            if (i % 10_000 === 0) await new Promise((res) => setImmediate(res));
          }
          await w.close();
          const dt = performance.now() - t0;
          const bytes = statSync(w.eventFile).size;
          if (bytes < M * 30) throw new Error(`only ${bytes} bytes on disk`);
          top = Math.max(top, M / (dt / 1000));
        }
        return top;
      })();
    }

    if (options.details) {
      // 3. addHistogram of 1M values with the default ("tensorflow") bins.
      const values = new Float32Array(1_000_000);
      let seed = 1;
      for (let i = 0; i < values.length; i++) {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        const u = (seed + 0.5) / 2 ** 32;
        values[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(i) * 0.05; // weight-like spread
      }
      {
        const w = new SummaryWriter(join(root, 'hist'));
        const times: number[] = [];
        for (let r = 0; r < 7; r++) {
          const t0 = performance.now();
          w.addHistogram('weights', values, r);
          times.push(performance.now() - t0);
        }
        await w.close();
        times.sort((a, b) => a - b);
        results.histogram1MMsMedian = times[3]!;
        results.histogram1MMsBest = times[0]!;
        const t0 = performance.now();
        for (let r = 0; r < 5; r++) makeHistogram(values, 'tensorflow');
        results.makeHistogram1MMsMean = (performance.now() - t0) / 5;
      }

      // 4. Encoders: the hand-written scalar event vs protobufjs reflection for the same event (+ framing).
      {
        const K = 1_000_000;
        const enc = new ScalarEventEncoder();
        const field = enc.tagField('train_loss');
        const buf = new Uint8Array(64);
        const view = new DataView(buf.buffer);
        let t0 = performance.now();
        let sink = 0;
        for (let i = 0; i < K; i++) sink += enc.encode(buf, view, 0, 1.7e9 + i, i, i * 1e-3, field);
        results.handEncodedScalarEventsPerSec = K / ((performance.now() - t0) / 1000);
        t0 = performance.now();
        for (let i = 0; i < K; i++) {
          sink += encodeRecord(
            encodeMessage(pb.Event, {
              wallTime: 1.7e9 + i,
              step: i,
              summary: { value: [{ tag: 'train_loss', simpleValue: i * 1e-3 }] },
            }),
          ).length;
        }
        results.protobufjsReflectionScalarRecordsPerSec = K / ((performance.now() - t0) / 1000);
        if (sink === 0) throw new Error('unreachable');
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return results as SummaryWriterBenchResult;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchSummaryWriter({ quick: process.argv.includes('--quick'), details: true });

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log('@trainkit/tensorboard benchmark (node', process.version + ')');
  console.log(
    `  addScalar into the queue           ${fmt(results.scalarsQueuedPerSec!)} scalars/s   (target >= 1,000,000)`,
  );
  console.log(
    `  addScalar to disk, maxQueue 10     ${fmt(results.scalarsToDiskPerSec_maxQueue10!)} scalars/s   (target >= 200,000)`,
  );
  console.log(`  addScalar to disk, maxQueue 1000   ${fmt(results.scalarsToDiskPerSec_maxQueue1000!)} scalars/s`);
  console.log(
    `  addHistogram, 1M values            ${results.histogram1MMsMedian!.toFixed(1)} ms median, ${results.histogram1MMsBest!.toFixed(1)} ms best   (target <= 50 ms)`,
  );
  console.log(`  makeHistogram alone, 1M values     ${results.makeHistogram1MMsMean!.toFixed(1)} ms mean`);
  console.log(`  scalar event, hand-written encoder ${fmt(results.handEncodedScalarEventsPerSec!)} events/s`);
  console.log(
    `  scalar record, protobufjs + frame  ${fmt(results.protobufjsReflectionScalarRecordsPerSec!)} records/s`,
  );
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0 && process.argv[jsonAt + 1])
    writeFileSync(process.argv[jsonAt + 1]!, `${JSON.stringify(results, null, 2)}\n`);
}
