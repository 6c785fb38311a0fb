import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BACKEND_NAMES, loadCheckpoint, loadSafetensors, optim, tf } from '@trainkit/core';
import { loadRun, type RunData } from '@trainkit/tensorboard';
import { BEST_MODEL, epochCheckpointName, MANIFEST_FILE } from '@trainkit/train';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  evaluateOnly,
  main,
  parseArgs,
  REPORT_FILES,
  readTrainingState,
  type TrainResult,
  Tudui,
  train,
} from '../src/index.js';
import { writeTinyCifar } from './tiny-cifar.js';

/** The real CIFAR-10 sample committed with the repository (samples/README.md). */
const SAMPLE = resolve(__dirname, '../../../samples/cifar-10-sample');
// Tags whose values depend only on the seed and the data (not on timing): a resumed run must reproduce them.
const CURVES = ['train_loss', 'test_loss', 'test_accuracy', 'train_loss_epoch'];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let root: string;
let data: string;
let logs: string;
const quiet = { log: () => {} };

/** The config the CLI would build from these flags, on the tiny dataset: 96 training images = 3 steps of 32 (momentum, so that resuming needs the optimizer's state). */
function flags(...extra: string[]) {
  return parseArgs([
    '--data-dir',
    data,
    '--log-dir',
    logs,
    '--batch-size',
    '32',
    '--log-every',
    '1',
    '--momentum',
    '0.9',
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

function expectClose(actual: Record<string, [number, number][]>, expected: Record<string, [number, number][]>): void {
  for (const tag of CURVES) {
    const a = actual[tag]!;
    const e = expected[tag]!;
    expect(
      a.map(([s]) => s),
      tag,
    ).toEqual(e.map(([s]) => s));
    a.forEach(([, v], i) => {
      expect(Math.abs(v - e[i]![1]), `${tag} at step ${a[i]![0]}`).toBeLessThanOrEqual(1e-6);
    });
  }
}

async function maxTensorDifference(fileA: string, fileB: string, prefix: string): Promise<number> {
  const a = await loadSafetensors(fileA);
  const b = await loadSafetensors(fileB);
  try {
    const names = Object.keys(a.tensors).filter((k) => k.startsWith(prefix));
    expect(names.length).toBeGreaterThan(0);
    expect(
      Object.keys(b.tensors)
        .filter((k) => k.startsWith(prefix))
        .sort(),
    ).toEqual(names.sort());
    let max = 0;
    for (const name of names) {
      const x = a.tensors[name]!.dataSync();
      const y = b.tensors[name]!.dataSync();
      expect(y.length, name).toBe(x.length);
      for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
    }
    return max;
  } finally {
    tf.dispose([...Object.values(a.tensors), ...Object.values(b.tensors)]);
  }
}

async function captureStderr(fn: () => Promise<number>): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return { code: await fn(), stderr, stdout };
  } finally {
    err.mockRestore();
    out.mockRestore();
    log.mockRestore();
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cifar-train-'));
  data = writeTinyCifar(join(root, 'data'), { train: 96, test: 40 });
  logs = join(root, 'runs');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cifar-train, 2 epochs on a tiny CIFAR-10', () => {
  let a: TrainResult;
  let runA: RunData;

  beforeAll(async () => {
    const before = tf.memory().numTensors;
    a = await train(flags('--run-name', 'a', '--epochs', '2').config, quiet);
    // nothing the run created outlives it (the model is disposed at the end)
    expect(tf.memory().numTensors).toBe(before);
    runA = await loadRun(a.runDir);
  });

  it('finishes both epochs and writes checkpoints, report and manifest', () => {
    expect(a.exitCode).toBe(0);
    expect(a.state).toMatchObject({ epoch: 2, step: 6, batch: 0 });
    expect(a.state.history.map((r) => [r.epoch, r.step])).toEqual([
      [1, 3],
      [2, 6],
    ]);
    for (const name of [epochCheckpointName(1), epochCheckpointName(2), BEST_MODEL]) {
      expect(existsSync(join(a.checkpointDir, name)), name).toBe(true);
    }
    for (const name of [REPORT_FILES.curves, REPORT_FILES.confusionMatrix]) {
      expect([...readFileSync(join(a.runDir, name)).subarray(0, 8)], name).toEqual(PNG_SIGNATURE);
    }
    const table = readFileSync(join(a.runDir, REPORT_FILES.perClassAccuracy), 'utf8');
    for (const cls of ['airplane', 'automobile', 'truck']) expect(table).toContain(`| ${cls}`);
    expect(table).toContain('macro avg');

    const manifest = JSON.parse(readFileSync(join(a.runDir, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({
      app: 'cifar-train',
      status: 'completed',
      seed: 0,
      config: { epochs: 2, batchSize: 32, lr: 0.01 },
    });
    expect(manifest.packages['@trainkit/core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.packages['@trainkit/cifar-train']).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof manifest.backend.name).toBe('string');
    expect(manifest.git === null || /^[0-9a-f]{40}$/.test(manifest.git.commit)).toBe(true);
    expect(manifest.history).toHaveLength(2);
  });

  it('logs every expected tag to TensorBoard', () => {
    expect(runA.issues).toEqual([]);
    expect(runA.scalars.train_loss?.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const tag of [
      'test_loss',
      'test_accuracy',
      'train_loss_epoch',
      'perf/images_per_second',
      'perf/epoch_seconds',
    ]) {
      expect(
        runA.scalars[tag]?.map((p) => p.step),
        tag,
      ).toEqual([3, 6]);
    }
    a.state.history.forEach((r, i) => {
      expect(runA.scalars.test_accuracy![i]!.value).toBeCloseTo(r.testAccuracy, 6);
      expect(runA.scalars.test_loss![i]!.value).toBeCloseTo(r.testLoss, 5);
    });
    expect(runA.images.train_images?.map((im) => im.step)).toEqual([1, 4]);
    expect(runA.images.train_images![0]!.width).toBeGreaterThanOrEqual(32 * 8);
    const params = new Tudui().namedParameters().map(([name]) => name);
    expect(params).toHaveLength(10);
    for (const name of params)
      expect(
        runA.histograms[`weights/${name}`]?.map((h) => h.step),
        name,
      ).toEqual([3, 6]);
    expect(runA.graph?.node?.length).toBeGreaterThan(5);
    expect(runA.hparams?.values).toMatchObject({ lr: 0.01, batch_size: 32, optimizer: 'sgd', epochs: 2 });
    expect(runA.hparams?.metricTags).toEqual(expect.arrayContaining(['hparam/test_accuracy', 'hparam/test_loss']));
    expect(runA.scalars['hparam/test_accuracy']?.[0]?.value).toBeCloseTo(a.state.history[1]!.testAccuracy, 6);
  });

  it('saves checkpoints that load and reproduce the logged accuracy', async () => {
    const path = join(a.checkpointDir, epochCheckpointName(2));
    const state = await readTrainingState(path);
    expect(state).toMatchObject({ epoch: 2, step: 6, runDir: a.runDir });
    const model = new Tudui();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
    const loaded = await loadCheckpoint(path, { model, optimizer });
    expect(loaded).toMatchObject({ epoch: 2, step: 6 });
    model.dispose();

    const evaluated = await evaluateOnly(flags('--eval-only', path).config, () => {});
    expect(evaluated.count).toBe(40);
    expect(evaluated.accuracy).toBe(a.state.history[1]!.testAccuracy);
    expect(evaluated.loss).toBeCloseTo(a.state.history[1]!.testLoss, 6);

    const best = await evaluateOnly(flags('--eval-only', join(a.checkpointDir, BEST_MODEL)).config, () => {});
    expect(best.accuracy).toBe(a.state.best!.testAccuracy);
  });

  it('--resume from epoch 1 reproduces the uninterrupted run: same weights, same logged values', async () => {
    const b1 = await train(flags('--run-name', 'b', '--epochs', '1').config, quiet);
    expect(b1.state).toMatchObject({ epoch: 1, step: 3 });
    const resume = flags('--resume', join(b1.checkpointDir, epochCheckpointName(1)), '--epochs', '2');
    const b2 = await train(resume.config, { ...quiet, explicit: resume.explicit });
    expect(b2.runDir).toBe(b1.runDir);
    expect(b2.state).toMatchObject({ epoch: 2, step: 6 });

    const last = epochCheckpointName(2);
    expect(
      await maxTensorDifference(join(a.checkpointDir, last), join(b2.checkpointDir, last), 'model.'),
    ).toBeLessThanOrEqual(1e-6);
    expect(
      await maxTensorDifference(join(a.checkpointDir, last), join(b2.checkpointDir, last), 'optimizer.'),
    ).toBeLessThanOrEqual(1e-6);
    expectClose(curves(await loadRun(b2.runDir)), curves(runA));
  });

  it('--resume inside the same run purges what followed the checkpoint, leaving identical curves', async () => {
    const resume = flags('--resume', join(a.checkpointDir, epochCheckpointName(1)));
    const again = await train(resume.config, { ...quiet, explicit: resume.explicit });
    expect(again.runDir).toBe(a.runDir);
    expect(again.state.step).toBe(6);
    const reread = await loadRun(a.runDir);
    expect(reread.files.length).toBe(2);
    expect(reread.purged).toBeGreaterThan(0);
    expect(reread.issues).toEqual([]);
    expectClose(curves(reread), curves(runA));
  });
});

describe('cifar-train command line', () => {
  it('--help prints the flags and exits 0', async () => {
    const { code, stdout } = await captureStderr(() => main(['--help']));
    expect(code).toBe(0);
    for (const flag of [
      '--epochs',
      '--batch-size',
      '--optimizer sgd|adam',
      '--no-download',
      '--resume',
      '--eval-only',
      '--config',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it.each([
    [['--epochs', '0'], /--epochs: expected an integer ≥ 1, got "0"/],
    [['--lr', 'fast'], /--lr: expected a number > 0, got "fast"/],
    [['--optimizer', 'rmsprop'], /--optimizer: expected one of sgd, adam, got "rmsprop"/],
    [['--backend', 'gpu'], new RegExp(`--backend: expected one of ${BACKEND_NAMES.join(', ')}, got "gpu"`)],
    [['--epoch', '3'], /unknown flag --epoch \(did you mean --epochs\?\)/],
    [['--batch-size'], /--batch-size: expected a value/],
    [['train.py'], /unexpected argument 'train.py'/],
    [['--resume', 'a.safetensors', '--eval-only', 'b.safetensors'], /--resume and --eval-only exclude each other/],
    [['--optimizer', 'adam', '--momentum', '0.9'], /--momentum 0.9: momentum applies to --optimizer sgd/],
  ])('%j is a usage error (exit 2) naming the flag and the value', async (argv, message) => {
    const { code, stderr } = await captureStderr(() => main(argv));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/^cifar-train: /);
  });

  it('--config reads flag values from JSON and rejects unknown keys', async () => {
    const good = join(root, 'good.json');
    writeFileSync(good, JSON.stringify({ epochs: 3, 'batch-size': 16, optimizer: 'adam' }));
    const parsed = parseArgs(['--config', good, '--epochs', '4']);
    expect(parsed.config).toMatchObject({ epochs: 4, batchSize: 16, optimizer: 'adam' });
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ epoch: 3 }));
    const { code, stderr } = await captureStderr(() => main(['--config', bad]));
    expect(code).toBe(2);
    expect(stderr).toContain(`--config ${bad}: unknown key "epoch" (did you mean "epochs"?)`);
  });

  it('says where to put CIFAR-10 when it is absent and downloading is off (exit 1)', async () => {
    const empty = join(root, 'empty');
    const { code, stderr } = await captureStderr(() =>
      main(['--data-dir', empty, '--no-download', '--no-progress', '--log-dir', logs]),
    );
    expect(code).toBe(1);
    expect(stderr).toContain('cifar-10-binary.tar.gz');
    expect(stderr).toContain(join(empty, 'cifar-10-batches-bin'));
    expect(stderr).toContain('--no-download');
    expect(stderr).toContain('cifar-10-binary.tar.gz (md5 c32a1d4ab5d03f1284b67883e8d87530)');
    expect(stderr).not.toContain('download: true'); // the library's wording, not this CLI's
    expect(stderr).not.toMatch(/\n\s+at /); // an explained failure, not a stack trace
  });

  it('--resume of a file that is not there fails with the flag and the path (exit 1)', async () => {
    const missing = join(root, 'nope.safetensors');
    const { code, stderr } = await captureStderr(() =>
      main(['--data-dir', data, '--no-progress', '--resume', missing]),
    );
    expect(code).toBe(1);
    expect(stderr).toContain(`--resume ${missing}: no such file`);
  });
});

describe('cifar-train on the committed CIFAR-10 sample', () => {
  it('trains and tests on the partial set with --limit-train/--limit-test', async () => {
    const result = await train(
      parseArgs([
        '--data-dir',
        SAMPLE,
        '--log-dir',
        logs,
        '--run-name',
        'sample',
        '--epochs',
        '1',
        '--limit-train',
        '128',
        '--limit-test',
        '64',
        '--no-progress',
      ]).config,
      quiet,
    );
    expect(result.exitCode).toBe(0);
    expect(result.state.step).toBe(2);
    const manifest = JSON.parse(readFileSync(join(result.runDir, MANIFEST_FILE), 'utf8'));
    expect(manifest.datasets.train).toMatch(
      /partial CIFAR-10 train split .* 1600 of 50000 images .* using the first 128/,
    );
    expect(manifest.datasets.test).toMatch(/1000 of 10000 images .* using the first 64/);
    const run = await loadRun(result.runDir);
    expect(run.scalars.test_accuracy).toHaveLength(1);
  });
});
