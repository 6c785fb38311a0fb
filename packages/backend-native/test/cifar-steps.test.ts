import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nn, optim, tf, useBackend } from '@trainkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelCounts } from '../src/index.js';
import { available } from './helpers.js';

// core's PyTorch fixture (tools/fixtures/cifar_steps.py): 50 SGD steps of the tutorial network from the same weights.
const fixtures = new URL('../../core/test/fixtures/', import.meta.url);
const fixture = (
  JSON.parse(readFileSync(new URL('cifar_steps.json', fixtures), 'utf8')) as {
    cases: { steps: number; batch: number; lr: number; losses: number[] };
  }
).cases;
const weights = fileURLToPath(new URL('state_cifar.safetensors', fixtures));

/** The fixture script's batch formula (as core's cifar-steps test). */
function batch(step: number, size = fixture.batch): [tf.Tensor4D, tf.Tensor1D] {
  const per = 3 * 32 * 32;
  const n = size * per;
  const y = Int32Array.from({ length: size }, (_, k) => (k * 3 + step) % 10);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++)
    x[i] = (((i * 7919 + step * 104729) % 1000) / 500 - 1) * 0.5 + (y[Math.floor(i / per)]! / 4.5 - 1);
  return [tf.tensor4d(x, [size, 3, 32, 32]), tf.tensor1d(y, 'int32')];
}

function tudui(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 32, 5, { padding: 2 }),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 32, 5, { padding: 2 }),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 5, { padding: 2 }),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(1024, 64),
    new nn.Linear(64, 10),
  );
}

describe.skipIf(!available)('the CIFAR tutorial network on native', () => {
  const model = tudui();
  afterAll(() => model.dispose());

  it(`stays within 1e-3 of PyTorch's loss at each of ${fixture.steps} SGD steps`, async () => {
    await useBackend('native');
    await model.load(weights, { strict: true });
    model.train();
    const lossFn = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: fixture.lr });
    const before = kernelCounts.Conv2DBackpropFilter!.native;
    for (let step = 0; step < fixture.steps; step++) {
      const [x, y] = batch(step);
      const loss = optimizer.step(() => lossFn.call(model.call(x), y))!;
      x.dispose();
      y.dispose();
      expect(
        Math.abs(loss - fixture.losses[step]!),
        `step ${step}: ${loss} vs PyTorch ${fixture.losses[step]}`,
      ).toBeLessThan(1e-3);
    }
    // three convolutions a step, each with its filter gradient on oneDNN
    expect(kernelCounts.Conv2DBackpropFilter!.native - before).toBe(3 * fixture.steps);
  });

  it('leaks nothing over 1,000 training steps: flat tensor count, flat RSS', async () => {
    await useBackend('native');
    model.train();
    const lossFn = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 1e-3 });
    const [x, y] = batch(0, 4);
    const counts = new Set<number>();
    let rssAfterWarmup = 0;
    for (let step = 0; step < 1000; step++) {
      optimizer.step(() => lossFn.call(model.call(x), y));
      if (step >= 10) counts.add(tf.memory().numTensors);
      if (step === 100) rssAfterWarmup = process.memoryUsage().rss;
    }
    const growth = process.memoryUsage().rss - rssAfterWarmup;
    x.dispose();
    y.dispose();
    expect([...counts]).toHaveLength(1);
    // 900 steps allocate ~1 GB of outputs in all; a leak of even one activation per step would exceed this
    expect(growth, `RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(48 * 2 ** 20);
  });
});
