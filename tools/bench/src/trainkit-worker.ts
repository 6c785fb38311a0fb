// One trainkit backend in a child process of run-all.ts (forked, IPC channel): builds a workload and answers timing
// requests, so that backends do not share a tfjs engine and PyTorch rounds can alternate with trainkit rounds.
//
//   request  { task: 'train' | 'infer', minSteps, minSeconds, maxSteps }  ->  { ms: number[] }
//            { task: 'tensors' }                                          ->  { numTensors }
//            { task: 'exit' }
import { parseArgs } from 'node:util';
import { backendInfo, describeBackend, tf, useBackend } from '@trainkit/core';
import { type BenchModel, makeWorkload } from './models.js';

export interface WorkerRequest {
  task: 'train' | 'infer' | 'tensors' | 'exit';
  minSteps?: number;
  minSeconds?: number;
  maxSteps?: number;
}

export interface WorkerReady {
  ready: true;
  backend: string;
  threads: number | null;
  tfjs: string;
}

const { values } = parseArgs({
  options: { backend: { type: 'string' }, model: { type: 'string' } },
});
const backend = values.backend as 'wasm' | 'cpu' | 'native';
const model = values.model as BenchModel;

function timeSteps(step: () => unknown, minSteps: number, minSeconds: number, maxSteps: number): number[] {
  const out: number[] = [];
  const start = performance.now();
  while (out.length < maxSteps && (out.length < minSteps || performance.now() - start < minSeconds * 1000)) {
    const t0 = performance.now();
    step();
    out.push(performance.now() - t0);
  }
  return out;
}

const send = (msg: unknown) => process.send?.(msg);

try {
  await useBackend(backend);
  const workload = makeWorkload(model);
  const ready: WorkerReady = {
    ready: true,
    backend: describeBackend(),
    threads: backendInfo()?.threads ?? null,
    tfjs: tf.version.tfjs,
  };
  send(ready);
  process.on('message', (req: WorkerRequest) => {
    try {
      if (req.task === 'exit') {
        workload.dispose();
        process.disconnect?.();
        process.exit(0);
      }
      if (req.task === 'tensors') {
        send({ numTensors: tf.memory().numTensors });
        return;
      }
      const step = req.task === 'train' ? () => workload.train() : () => workload.infer();
      send({ ms: timeSteps(step, req.minSteps ?? 3, req.minSeconds ?? 1, req.maxSteps ?? 1000) });
    } catch (err) {
      send({ error: String((err as Error).stack ?? err) });
    }
  });
} catch (err) {
  send({ error: String((err as Error).message ?? err) });
  process.exit(1);
}
