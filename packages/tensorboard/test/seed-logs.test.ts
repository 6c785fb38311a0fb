import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, useBackend } from '@trainkit/core';
import { tudui } from '@trainkit/test-models';
import { decode as decodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLogdir, type RunData, SummaryWriter } from '../src/index.js';

// The seed's CIFAR routine, with a real @trainkit/core model and fake losses: train_loss every 100 steps,
// test_loss and test_accuracy per epoch, the input images, weight histograms, the graph, hparams and a text.
// TK_TB_LOGDIR keeps the logs (verify/check_with_tensorboard.py reads them with TensorBoard's own backend).
const keep = process.env.TK_TB_LOGDIR;
const root = keep ?? mkdtempSync(join(tmpdir(), 'tk-seed-'));
let runs: RunData[] = [];

beforeAll(async () => {
  await useBackend('cpu');
  for (const [name, lr] of [
    ['cifar_lr0.01', 0.01],
    ['cifar_lr0.1', 0.1],
  ] as const) {
    const model = tudui();
    const writer = new SummaryWriter(join(root, name));
    const imgs = tf.randomUniform([16, 3, 32, 32], 0, 1, 'float32', 1);
    writer.addGraph(model, imgs);
    writer.addImages('input', imgs, 0);
    let step = 0;
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let b = 0; b < 300; b++) {
        if (++step % 100 === 0) writer.addScalar('train_loss', 2.3 * Math.exp(-lr * step * 0.01), step);
      }
      writer.addScalar('test_loss', 2.0 - epoch * lr * 3, epoch);
      writer.addScalar('test_accuracy', 0.3 + epoch * lr, epoch);
      for (const [pname, p] of model.namedParameters()) writer.addHistogram(pname, p.data, epoch);
    }
    writer.addText('model', `\`\`\`\n${model.toString()}\n\`\`\``, 0);
    writer.addHparams({ lr, batch_size: 64, optimizer: 'SGD' }, { test_accuracy: null, test_loss: null });
    imgs.dispose();
    await writer.close();
    model.dispose();
  }
  runs = await loadLogdir(root);
});

afterAll(() => {
  if (!keep) rmSync(root, { recursive: true, force: true });
});

describe('logs of the seed CIFAR routine', () => {
  it('hold both runs with every kind of data, and read back without issues', () => {
    expect(runs.map((r) => r.name)).toEqual(['cifar_lr0.01', 'cifar_lr0.1']);
    for (const r of runs) {
      expect(r.issues).toEqual([]);
      expect(r.scalars.train_loss!.map((p) => p.step)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900]);
      expect(r.scalars.test_accuracy!.map((p) => p.step)).toEqual([0, 1, 2]);
      expect(r.scalars.test_loss).toHaveLength(3);
      expect(Object.keys(r.histograms)).toContain('0.weight');
      expect(r.histograms['8.bias']).toHaveLength(3);
      expect(r.texts['model/text_summary']![0]!.text).toContain('Conv2d(3, 32');
    }
  });

  it('has the input batch as one 8-per-row PNG grid', () => {
    const img = runs[0]!.images.input![0]!;
    expect([img.width, img.height, img.colorspace]).toEqual([8 * 32, 2 * 32, 3]);
    const png = decodePng(img.encoded);
    expect([png.width, png.height, png.channels]).toEqual([256, 64, 3]);
  });

  it('has the graph with module scopes, op types and output shapes', () => {
    const g = runs[0]!.graph!;
    const byName = new Map(g.node.map((n) => [n.name, n]));
    const conv = byName.get('Sequential/Conv2d[0]/Conv2d')!;
    expect(conv.op).toBe('Conv2d');
    expect(conv.input).toEqual(['input/input.0', 'Sequential/Conv2d[0]/weight', 'Sequential/Conv2d[0]/bias']);
    expect(conv.attr._output_shapes!.list!.shape![0]!.dim.map((d) => d.size)).toEqual([16, 32, 32, 32]);
    expect(byName.get('Sequential/Conv2d[0]/weight')!.op).toBe('Parameter');
    const flatten = byName.get('Sequential/Flatten[6]/Flatten')!;
    expect(flatten.input).toEqual(['Sequential/MaxPool2d[5]/MaxPool2d']);
    expect(byName.get('output/output.0')!.input).toEqual(['Sequential/Linear[8]/Linear']);
    expect(
      byName.get('Sequential/Linear[8]/Linear')!.attr._output_shapes!.list!.shape![0]!.dim.map((d) => d.size),
    ).toEqual([16, 10]);
  });

  it('has hparams in the same run as the curves', () => {
    expect(runs[1]!.hparams).toEqual({
      values: { lr: 0.1, batch_size: 64, optimizer: 'SGD' },
      hparamNames: ['lr', 'batch_size', 'optimizer'],
      metricTags: ['test_accuracy', 'test_loss'],
      status: 'success',
      step: 900, // the last train_loss step
    });
  });
});
