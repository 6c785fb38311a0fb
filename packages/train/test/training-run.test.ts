import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backward, loadSafetensors, manualSeed, nn, optim, tf } from '@trainkit/core';
import { DataLoader, TensorDataset } from '@trainkit/data';
import { evaluate } from '@trainkit/metrics';
import { loadRun } from '@trainkit/tensorboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BEST_MODEL,
  CliError,
  epochCheckpointName,
  MANIFEST_FILE,
  stepCheckpointName,
  type TrainingOptions,
  TrainingRun,
} from '../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let trainSet: TensorDataset;
let testSet: TensorDataset;
beforeAll(() => {
  manualSeed(1);
  // 40 points of 4 features in 3 classes; 8 per batch: a 5-step epoch
  const x = tf.randomNormal([40, 4], 0, 1, 'float32', 1);
  const y = tf.tensor1d(
    Array.from({ length: 40 }, (_, i) => i % 3),
    'int32',
  );
  trainSet = new TensorDataset(x, y);
  testSet = new TensorDataset(x.slice([0], [12]), y.slice([0], [12]));
});

interface TinyConfig {
  backend: 'cpu';
  epochs: number;
  seed: number;
  logEvery: number;
  progress: boolean;
  lr: number;
  logDir: string;
  runName?: string;
  resume?: string;
}

/**
 * The smallest program on a TrainingRun: a linear classifier with SGD, its loop written as a tutorial writes it.
 * `onStep` runs after every step (to raise a signal, or to break the loss).
 */
async function tinyProgram(
  config: TinyConfig,
  options: TrainingOptions<keyof TinyConfig> & { onStep?: (step: number) => void; lossScale?: () => number } = {},
) {
  const run = await TrainingRun.start({ app: 'tiny', config, paths: ['logDir'], from: import.meta.url }, options);
  const trainLoader = new DataLoader(trainSet, { batchSize: 8, shuffle: true, generator: run.shuffleGenerator });
  const testLoader = new DataLoader(testSet, { batchSize: 8 });
  const model = new nn.Sequential(new nn.Linear(4, 3));
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: config.lr, momentum: 0.9 });
  await run.setup({ model, optimizer, datasets: { train: '40 points' }, graphInput: [1, 4] });
  let weights: number[][] = [];
  const result = await run.fit(async () => {
    for (const _epoch of run.epochs()) {
      model.train();
      for await (const [x, y] of run.batches(trainLoader, { images: false })) {
        optimizer.zeroGrad();
        const scale = options.lossScale?.() ?? 1;
        const loss = backward(() => lossFn.forward(model.call(x!), y!).mul(scale), model.parameters());
        optimizer.step();
        run.step(loss, x!.shape[0]!, { seen: x!.shape[0]! });
        options.onStep?.(run.state.step);
      }
      const test = await evaluate(model, testLoader, lossFn);
      await run.endEpoch({ testLoss: test.loss, testAccuracy: test.accuracy }, { best: ['testLoss', 'min'] });
    }
    weights = model.parameters().map((p) => Array.from(p.data.dataSync()));
    return run.completed ? { finished: true } : undefined;
  });
  return { ...result, weights };
}

const config = (runName: string, extra: Partial<TinyConfig> = {}): TinyConfig => ({
  backend: 'cpu',
  epochs: 2,
  seed: 3,
  logEvery: 2,
  progress: false,
  lr: 0.1,
  logDir: join(tmp, 'runs'),
  runName,
  ...extra,
});
const quiet = { log: () => {} };

describe('TrainingRun', () => {
  it('runs the loop: history, best and epoch checkpoints, every scalar, the manifest, and the loop’s output', async () => {
    const before = tf.memory().numTensors;
    const a = await tinyProgram(config('a'), quiet);
    expect(tf.memory().numTensors).toBe(before); // model and optimizer freed by fit()
    expect(a.exitCode).toBe(0);
    expect(a.finished).toBe(true);
    expect(a.state).toMatchObject({ epoch: 2, batch: 0, step: 10 });
    expect(a.state.history.map((r) => [r.epoch, r.step])).toEqual([
      [1, 5],
      [2, 10],
    ]);
    for (const r of a.state.history) {
      expect(r.seen).toBe(1); // a step total averaged per sample
      expect(Number.isFinite(r.trainLoss) && Number.isFinite(r.testLoss!)).toBe(true);
    }
    const bestEpoch = a.state.history[0]!.testLoss! < a.state.history[1]!.testLoss! ? 1 : 2;
    expect(a.state.best).toEqual({ epoch: bestEpoch, testLoss: a.state.history[bestEpoch - 1]!.testLoss });
    const { metadata } = await loadSafetensors(join(a.checkpointDir, BEST_MODEL));
    expect(metadata).toMatchObject({ epoch: String(bestEpoch), test_loss: String(a.state.best!.testLoss) });
    for (const name of [epochCheckpointName(1), epochCheckpointName(2)])
      expect(existsSync(join(a.checkpointDir, name))).toBe(true);
    expect(a.lastCheckpoint).toBe(join(a.checkpointDir, epochCheckpointName(2)));

    const logs = await loadRun(a.runDir);
    expect(logs.scalars.train_loss?.map((p) => p.step)).toEqual([2, 4, 6, 8, 10]);
    for (const tag of ['train_loss_epoch', 'seen', 'test_loss', 'test_accuracy', 'perf/images_per_second'])
      expect(
        logs.scalars[tag]?.map((p) => p.step),
        tag,
      ).toEqual([5, 10]);
    expect(logs.scalars.test_loss?.[1]?.value).toBeCloseTo(a.state.history[1]!.testLoss!, 6);
    expect(logs.histograms['weights/0.weight']?.map((h) => h.step)).toEqual([5, 10]);
    expect(logs.graph?.node?.length).toBeGreaterThan(0);

    const manifest = JSON.parse(readFileSync(join(a.runDir, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({
      app: 'tiny',
      status: 'completed',
      finished: true,
      datasets: { train: '40 points' },
    });
    expect(manifest.history).toHaveLength(2);
    expect(manifest.progress).toEqual({ epochsCompleted: 2, epochs: 2, step: 10 });
  });

  it('a signal mid-epoch saves a step checkpoint and stops (exit 130); --resume ends where an uninterrupted run ends', async () => {
    const whole = await tinyProgram(config('whole'), quiet);
    const lines: string[] = [];
    let raised = false;
    const stopped = await tinyProgram(config('stopped'), {
      log: (l) => lines.push(l),
      onStep: (step) => {
        if (step === 7 && !raised) {
          raised = true;
          process.emit('SIGINT');
        }
      },
    });
    expect(stopped.exitCode).toBe(130);
    expect(stopped.finished).toBeUndefined();
    expect(stopped.state).toMatchObject({ epoch: 1, batch: 2, step: 7 });
    const stepCheckpoint = join(stopped.checkpointDir, stepCheckpointName(7));
    expect(stopped.lastCheckpoint).toBe(stepCheckpoint);
    expect(lines).toContain(`resume with: tiny --resume ${stepCheckpoint}`);
    const manifest = JSON.parse(readFileSync(join(stopped.runDir, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ status: 'interrupted', checkpoint: stepCheckpoint });

    const resumed = await tinyProgram(config('ignored', { resume: stepCheckpoint }), quiet);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.runDir).toBe(stopped.runDir);
    expect(resumed.state.step).toBe(10);
    expect(resumed.weights).toEqual(whole.weights);
    expect(resumed.state.history).toEqual(
      whole.state.history.map((r) => ({
        ...r,
        trainSeconds: expect.any(Number),
        epochSeconds: expect.any(Number),
        imagesPerSecond: expect.any(Number),
      })),
    );
    const logs = await loadRun(resumed.runDir);
    expect(logs.scalars.train_loss?.map((p) => p.step)).toEqual([2, 4, 6, 8, 10]);
  });

  it('a loss that is no longer finite fails the run naming the step, with the manifest saying so', async () => {
    let step = 0;
    const failing = tinyProgram(config('diverged'), { ...quiet, lossScale: () => (++step === 3 ? Number.NaN : 1) });
    await expect(failing).rejects.toThrow(CliError);
    await expect(failing).rejects.toThrow('training diverged: the loss is NaN at step 3 (epoch 1); try a lower --lr');
    const manifest = JSON.parse(readFileSync(join(tmp, 'runs', 'diverged', MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ status: 'failed', progress: { step: 2 } });
  });

  it('a loop that forgets endEpoch is told so instead of training forever', async () => {
    const run = await TrainingRun.start({ app: 'tiny', config: config('forgot'), from: import.meta.url }, quiet);
    const model = new nn.Linear(4, 3);
    await run.setup({
      model,
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      datasets: {},
      graphInput: [1, 4],
    });
    await expect(
      run.fit(async () => {
        for (const _epoch of run.epochs()) {
          // no training, no endEpoch
        }
        return undefined;
      }),
    ).rejects.toThrow('TrainingRun: call run.endEpoch() at the end of every epoch');
  });
});
