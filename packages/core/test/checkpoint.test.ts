import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultGenerator,
  deserializeCheckpoint,
  Generator,
  loadCheckpoint,
  loadSafetensors,
  manualSeed,
  nn,
  optim,
  saveCheckpoint,
  saveModel,
  serializeCheckpoint,
  tf,
  useBackend,
} from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'trainkit-checkpoint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(seed: number) {
  const g = new Generator(seed);
  const model = new nn.Sequential(
    new nn.Linear(3, 5, { generator: g }),
    new nn.BatchNorm1d(5),
    new nn.ReLU(),
    new nn.Linear(5, 2, { generator: g }),
  );
  const optimizer = new optim.Adam(
    [{ params: model.at(0).parameters() }, { params: model.at(3).parameters(), lr: 0.05 }],
    {
      lr: 0.01,
      amsgrad: true,
    },
  );
  const scheduler = new optim.StepLR(optimizer, 2, { gamma: 0.5 });
  return { model, optimizer, scheduler };
}

const x = () =>
  tf.tensor([
    [0.1, -0.4, 2],
    [1, 0.3, -1],
    [0.5, 0.5, 0.5],
    [-2, 1, 0],
  ]);
const y = () =>
  tf.tensor([
    [1, 0],
    [0, 1],
    [1, 1],
    [0, 0],
  ]);

/** One epoch: a training step on a batch drawn from the default generator, then the scheduler. */
function epoch({ model, optimizer, scheduler }: ReturnType<typeof setup>): number {
  const noise = tf.tensor(
    Array.from({ length: 12 }, () => defaultGenerator.normal(0, 0.1)),
    [4, 3],
  );
  const loss = optimizer.step(() => tf.mean(tf.square(tf.sub(model.call(tf.add(x(), noise)) as tf.Tensor, y()))))!;
  scheduler.step();
  return loss;
}

const values = (m: nn.Module) => Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]);

describe('checkpoints', () => {
  it('resume training exactly: model, optimizer, scheduler, epoch, step and random state', async () => {
    manualSeed(42);
    const run = setup(1);
    for (let e = 0; e < 3; e++) epoch(run);
    const path = join(dir, 'resume.safetensors');
    await saveCheckpoint(path, { ...run, epoch: 3, step: 3, extra: { best: 0.5, tags: ['a'] } });
    const lossesAfter = [epoch(run), epoch(run), epoch(run)];

    manualSeed(7); // a different random state that the checkpoint must replace
    const resumed = setup(2);
    expect(values(resumed.model)).not.toEqual(values(run.model));
    const loaded = await loadCheckpoint(path, { ...resumed, rng: defaultGenerator });
    expect(loaded.epoch).toBe(3);
    expect(loaded.step).toBe(3);
    expect(loaded.extra).toEqual({ best: 0.5, tags: ['a'] });
    expect(loaded.model).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(resumed.scheduler.lastEpoch).toBe(3);
    expect(resumed.optimizer.paramGroups.map((g) => [g.lr, g.initialLr])).toEqual([
      [0.005, 0.01],
      [0.025, 0.05],
    ]);
    const resumedLosses = [epoch(resumed), epoch(resumed), epoch(resumed)];
    expect(resumedLosses).toEqual(lossesAfter);
    expect(values(resumed.model)).toEqual(values(run.model));
    expect(resumed.optimizer.paramGroups.map((g) => g.lr)).toEqual(run.optimizer.paramGroups.map((g) => g.lr));
  });

  it('is one safetensors file: the model under model., optimizer state tensors, JSON metadata', async () => {
    const run = setup(3);
    epoch(run);
    const path = join(dir, 'layout.safetensors');
    await saveCheckpoint(path, { ...run, epoch: 1 });
    const { tensors, metadata } = await loadSafetensors(path);
    expect(
      Object.keys(tensors)
        .filter((k) => k.startsWith('model.'))
        .sort(),
    ).toEqual(
      Object.keys(run.model.stateDict())
        .map((k) => `model.${k}`)
        .sort(),
    );
    expect(Object.keys(tensors)).toContain('optimizer.state.0.max_exp_avg_sq');
    expect(metadata['trainkit.checkpoint']).toBe('1');
    expect(JSON.parse(metadata.optimizer!).state['0'].step).toBe(1);
    expect(JSON.parse(metadata.scheduler!)).toMatchObject({ step_size: 2, gamma: 0.5, last_epoch: 1 });
    expect(JSON.parse(metadata.rng!).mt).toHaveLength(624);
    tf.dispose(Object.values(tensors));
  });

  it('serializeCheckpoint gives the file’s bytes; deserializeCheckpoint restores from bytes (for object stores)', async () => {
    const run = setup(4);
    epoch(run);
    const path = join(dir, 'bytes.safetensors');
    await saveCheckpoint(path, { ...run, epoch: 1, extra: { where: 's3' } });
    const bytes = await serializeCheckpoint({ ...run, epoch: 1, extra: { where: 's3' } });
    expect(Buffer.from(bytes).equals(await readFile(path))).toBe(true);
    const other = setup(5);
    const loaded = await deserializeCheckpoint(bytes, { model: other.model }, 's3://b/bytes.safetensors');
    expect(loaded).toMatchObject({ epoch: 1, extra: { where: 's3' } });
    const values = (m: nn.Module) => Object.values(m.stateDict()).map((t) => Array.from(t.dataSync()));
    expect(values(other.model)).toEqual(values(run.model));
    await expect(deserializeCheckpoint(bytes.subarray(0, 20), {}, 's3://b/cut.safetensors')).rejects.toThrow(
      's3://b/cut.safetensors',
    );
  });

  it("keeps ReduceLROnPlateau's infinite best and SGD's null momentum buffers", async () => {
    const { model } = setup(4);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const scheduler = new optim.ReduceLROnPlateau(optimizer, { mode: 'max' });
    optimizer.step(() => tf.sum(model.call(x()) as tf.Tensor));
    const path = join(dir, 'plateau.safetensors');
    await saveCheckpoint(path, { model, optimizer, scheduler, rng: null });
    const opt2 = new optim.SGD(model.parameters(), { lr: 0.3 });
    const sched2 = new optim.ReduceLROnPlateau(opt2, { mode: 'min', patience: 3 });
    const loaded = await loadCheckpoint(path, { optimizer: opt2, scheduler: sched2 });
    expect([sched2.best, sched2.mode, sched2.patience]).toEqual([Number.NEGATIVE_INFINITY, 'max', 10]);
    expect(opt2.paramGroups[0]!.lr).toBe(0.1);
    expect(opt2.stateDict().state[0]).toEqual({ momentum_buffer: null });
    expect([loaded.rng, loaded.epoch, loaded.extra]).toEqual([null, null, undefined]);
  });

  it('says what is missing or wrong, and leaks no tensors', async () => {
    const run = setup(5);
    const modelOnly = join(dir, 'model-only.safetensors');
    await saveCheckpoint(modelOnly, { model: run.model });
    await expect(loadCheckpoint(modelOnly, { optimizer: run.optimizer })).rejects.toThrow(
      `${modelOnly}: the checkpoint holds no optimizer state to restore the given optimizer from`,
    );
    const plain = join(dir, 'plain.safetensors');
    await saveModel(run.model, plain);
    await expect(loadCheckpoint(plain, { model: run.model })).rejects.toThrow(
      `${plain}: not a trainkit checkpoint (its metadata has no 'trainkit.checkpoint'); a model's state dict loads with loadModel`,
    );
    const other = new nn.Sequential(new nn.Linear(3, 4));
    const before = tf.memory().numTensors;
    await expect(loadCheckpoint(modelOnly, { model: other })).rejects.toThrow(
      `${modelOnly}: Error(s) in loading state dict for Sequential:`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
