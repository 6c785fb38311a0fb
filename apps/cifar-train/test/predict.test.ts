import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F, loadModel, noGrad, saveSafetensors, tf } from '@trainkit/core';
import { CIFAR10_CLASSES, type ImageArray, transforms } from '@trainkit/data';
import { encodePng } from '@trainkit/tensorboard';
import { BEST_MODEL, epochCheckpointName } from '@trainkit/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../../../tools/testing/capture-output.js';
import { main, Tudui } from '../src/index.js';
import { writeTinyCifar } from './tiny-cifar.js';

let root: string;
let checkpoints: string;
let images: { path: string; image: ImageArray }[];

/** Runs `cifar-train …` in-process; returns the exit code and what it printed. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { result: code, out, err } = await captureOutput(() => main(argv));
  return { code, out, err };
}

/** A w×h RGB image with a gradient per channel, different for each seed. */
function picture(width: number, height: number, seed: number): ImageArray {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = (i * (c + seed) * 7 + seed * 40) % 256;
  }
  return { data, width, height, channels: 3 };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cifar-predict-'));
  const data = writeTinyCifar(join(root, 'data'), { train: 64, test: 32 });
  const args = ['--data-dir', data, '--log-dir', join(root, 'runs'), '--run-name', 'r', '--epochs', '1'];
  const trained = await run(...args, '--batch-size', '32', '--no-progress', '--no-download', '--backend', 'cpu');
  expect(trained.code, trained.err).toBe(0);
  checkpoints = join(root, 'runs', 'r', 'checkpoints');
  images = [
    { path: join(root, 'small.png'), image: picture(32, 32, 1) },
    { path: join(root, 'large.png'), image: picture(80, 60, 2) },
  ];
  for (const { path, image } of images) writeFileSync(path, encodePng(image));
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What test.py prints for `image` with the weights of `file`, loaded into the tutorial's class by its state dict. */
async function expectedLine(file: string, path: string, image: ImageArray): Promise<string> {
  const model = new Tudui();
  await loadModel(model, file);
  model.eval();
  const x = transforms.toTensor()(transforms.resize([32, 32], { antialias: true })(image));
  const probs = noGrad(() =>
    tf.tidy(() => F.softmax(model.call(tf.tensor(x.data, [1, ...x.shape])), 1).dataSync() as Float32Array),
  );
  const ranked = [...probs.keys()].sort((a, b) => probs[b]! - probs[a]!);
  const label = (i: number) => `${CIFAR10_CLASSES[i]} (class ${i}, ${(probs[i]! * 100).toFixed(1)} %)`;
  return `${path}: ${label(ranked[0]!)}; then ${label(ranked[1]!)}, ${label(ranked[2]!)}\n`;
}

describe("cifar-train predict: the tutorial's test.py as a command", () => {
  it('the run saved whole models: best.safetensors and every epoch checkpoint', () => {
    expect(readdirSync(checkpoints).sort()).toEqual([BEST_MODEL, epochCheckpointName(1)].sort());
  });

  it('classifies images with a whole model, as the weights loaded into Tudui do (a larger image resized to 32×32)', async () => {
    for (const file of [join(checkpoints, BEST_MODEL), join(checkpoints, epochCheckpointName(1))]) {
      const r = await run('predict', '--model', file, '--backend', 'cpu', ...images.map((i) => i.path));
      expect(r.code, r.err).toBe(0);
      const expected = await Promise.all(images.map(({ path, image }) => expectedLine(file, path, image)));
      expect(r.out).toBe(expected.join(''));
    }
  });

  it('--top 1 prints the class alone', async () => {
    const r = await run('predict', '--model', join(checkpoints, BEST_MODEL), '--top', '1', images[0]!.path);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`^${images[0]!.path}: [a-z]+ \\(class \\d, \\d+\\.\\d %\\)\\n$`));
  });

  it('usage errors exit 2, files that are not what they should be exit 1 naming them', async () => {
    const noModel = await run('predict', images[0]!.path);
    expect([noModel.code, noModel.err]).toEqual([
      2,
      'cifar-train predict: --model FILE is required (a saved model to classify with)\nRun cifar-train predict --help for the flags.\n',
    ]);
    const missing = join(root, 'nope.safetensors');
    const absent = await run('predict', '--model', missing, images[0]!.path);
    expect(absent.code).toBe(1);
    expect(absent.err).toContain(`cifar-train predict: --model ${missing}: no such file\n`);

    const weightsOnly = join(root, 'weights.safetensors');
    await saveSafetensors(weightsOnly, new Tudui().stateDict());
    const r = await run('predict', '--model', weightsOnly, images[0]!.path);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${weightsOnly}: holds the weights only, no architecture`);

    const notImage = join(root, 'notes.txt');
    writeFileSync(notImage, 'not a picture');
    const bad = await run('predict', '--model', join(checkpoints, BEST_MODEL), notImage);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`${notImage}: not a PNG or JPEG`);
    expect(bad.err).not.toContain('    at ');
    expect(readFileSync(notImage, 'utf8')).toBe('not a picture');
  });

  it('--help describes the command', async () => {
    const r = await run('predict', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: cifar-train predict --model FILE IMAGE');
  });
});
