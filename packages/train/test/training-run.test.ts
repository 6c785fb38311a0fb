import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors, nn, optim, tf } from '@trainkit/core';
import { loadRun } from '@trainkit/tensorboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BEST_MODEL,
  CliError,
  epochCheckpointName,
  MANIFEST_FILE,
  stepCheckpointName,
  TrainingRun,
} from '../src/index.js';
import { type TinyConfig, tinyData, tinyProgram } from './helpers/tiny-program.js';

const tmp = mkdtempSync(join(tmpdir(), 'trainkit-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => {
  tinyData();
});

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
