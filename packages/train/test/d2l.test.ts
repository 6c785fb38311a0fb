// d2l's helpers as its chapters 3 and 6 use them: synthetic_data + linear regression, softmax regression from scratch
// with train_ch3 (gather-based cross-entropy, d2l.sgd), and train_ch6 on a small conv net.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, gather, manualSeed, nn, optim, tf, tryGpu, useBackend } from '@trainkit/core';
import { DataLoader, syntheticData, TensorDataset } from '@trainkit/data';
import { Animator } from '@trainkit/viz';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sgd, trainCh3, trainCh6 } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'trainkit-d2l-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three Gaussian blobs in `d` dimensions, labels 0..2: separable, so a linear classifier reaches ~100 %. */
function blobs(n: number, d: number, seed: number): [tf.Tensor2D, tf.Tensor1D] {
  const g = new Generator(seed);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < d; j++) x[i * d + j] = g.normal() + (j % 3 === y[i] ? 3 : 0);
  }
  return [tf.tensor2d(x, [n, d]), tf.tensor1d(y, 'int32')];
}

describe("d2l's helpers", () => {
  it('syntheticData: y = Xw + b + N(0, 0.01²), and linear regression recovers w and b', async () => {
    manualSeed(0);
    const [features, labels] = syntheticData([2, -3.4], 4.2, 1000);
    expect(features.shape).toEqual([1000, 2]);
    expect(labels.shape).toEqual([1000, 1]);
    const residual = tf.sub(labels, tf.add(tf.matMul(features, tf.tensor2d([[2], [-3.4]])), 4.2));
    const std = Math.sqrt(tf.mean(tf.square(residual)).dataSync()[0]!);
    expect(std).toBeGreaterThan(0.008);
    expect(std).toBeLessThan(0.012);
    const again = syntheticData([2, -3.4], 4.2, 5, { generator: new Generator(3) });
    const same = syntheticData([2, -3.4], 4.2, 5, { generator: new Generator(3) });
    expect(Array.from(again[1].dataSync())).toEqual(Array.from(same[1].dataSync()));

    const net = new nn.Linear(2, 1);
    const trainer = new optim.SGD(net.parameters(), { lr: 0.03 });
    const loss = new nn.MSELoss();
    const loader = new DataLoader(new TensorDataset(features, labels), { batchSize: 10, shuffle: true, seed: 1 });
    for (let epoch = 0; epoch < 3; epoch++) {
      for await (const [x, y] of loader) trainer.step(() => loss.forward(net.call(x!), y!));
    }
    expect(Array.from(net.weight.data.dataSync()).map((v) => Number(v.toFixed(2)))).toEqual([2, -3.4]);
    expect(net.bias!.data.dataSync()[0]).toBeCloseTo(4.2, 2);
    tf.dispose([features, labels, residual, ...again, ...same]);
    net.dispose();
  });

  it('trainCh3: softmax regression from scratch (gather cross-entropy, d2l.sgd) learns, and the Animator draws it', async () => {
    manualSeed(1);
    const [x, y] = blobs(300, 6, 2);
    const [tx, ty] = blobs(90, 6, 3);
    const W = new nn.Parameter(tf.randomNormal([6, 3], 0, 0.01, 'float32', 4));
    const b = new nn.Parameter(tf.zeros([3]));
    const softmax = (o: tf.Tensor) => tf.tidy(() => tf.div(tf.exp(o), tf.sum(tf.exp(o), 1, true)));
    const net = (input: tf.Tensor) => softmax(tf.add(tf.matMul(tf.reshape(input, [-1, 6]), W.data), b.data));
    const crossEntropy = (yHat: tf.Tensor, labels: tf.Tensor) =>
      tf.neg(tf.log(gather(yHat, 1, tf.reshape(labels, [-1, 1]))));
    const file = join(dir, 'ch3.png');
    const animator = new Animator({ xlabel: 'epoch', legend: ['train loss', 'train acc', 'test acc'], file });
    const train = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 5 });
    const test = new DataLoader(new TensorDataset(tx, ty), { batchSize: 32 });
    const r = await trainCh3(net, train, test, crossEntropy, 5, (batchSize) => sgd([W, b], 0.1, batchSize), {
      params: [W, b],
      animator,
    });
    expect(r.trainLoss).toBeLessThan(0.5);
    expect(r.trainAcc).toBeGreaterThan(0.9);
    expect(r.testAcc).toBeGreaterThan(0.9);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    // the same with a Module, an optimizer and a per-sample loss
    const linear = new nn.Sequential(new nn.Flatten(), new nn.Linear(6, 3));
    const r2 = await trainCh3(
      linear,
      train,
      test,
      new nn.CrossEntropyLoss({ reduction: 'none' }),
      3,
      new optim.SGD(linear.parameters(), { lr: 0.1 }),
    );
    expect(r2.testAcc).toBeGreaterThan(0.9);
    await expect(trainCh3(net, train, test, crossEntropy, 1, () => {})).rejects.toThrow(
      /net is a function, so pass the parameters/,
    );
    tf.dispose([x, y, tx, ty]);
    W.dispose();
    b.dispose();
    linear.dispose();
  });

  it("trainCh6: Xavier init, SGD, d2l's closing lines, and the curves five times per epoch", async () => {
    manualSeed(2);
    const g = new Generator(6);
    // 1×8×8 images whose label is the quadrant holding a bright square
    const n = 120;
    const xs = new Float32Array(n * 64);
    const ys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const q = i % 4;
      ys[i] = q;
      for (let p = 0; p < 64; p++) {
        const [r, c] = [Math.floor(p / 8), p % 8];
        const inside = Math.floor(r / 4) * 2 + Math.floor(c / 4) === q;
        xs[i * 64 + p] = (inside ? 1 : 0) + 0.1 * g.normal();
      }
    }
    const x = tf.tensor4d(xs, [n, 1, 8, 8]);
    const y = tf.tensor1d(ys, 'int32');
    const net = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(4 * 4 * 4, 4),
    );
    const lines: string[] = [];
    const train = new DataLoader(new TensorDataset(x, y), { batchSize: 12, shuffle: true, seed: 7 });
    const test = new DataLoader(new TensorDataset(x, y), { batchSize: 40 });
    const r = await trainCh6(net, train, test, 4, 0.5, tryGpu(), { log: (l) => lines.push(l) });
    expect(lines[0]).toBe('training on cpu');
    expect(lines[1]).toMatch(/^loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}$/);
    expect(lines[2]).toMatch(/^\d+\.\d examples\/sec on cpu$/);
    expect(r.testAcc).toBeGreaterThan(0.9);
    expect(r.examplesPerSec).toBeGreaterThan(0);
    // train loss and accuracy 5 times per epoch (10 batches), test accuracy once: three series in the SVG
    const svg = r.animator.toSVG();
    for (const name of ['train loss', 'train acc', 'test acc']) expect(svg).toContain(name);
    tf.dispose([x, y]);
    net.dispose();
  });
});
