import { nn, optim, tf, useBackend } from '@trainkit/core';
import { CONV2D_BACKPROP_FILTER_BIAS } from '@trainkit/core/kernels';
import { tudui } from '@trainkit/test-models';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cifarStepsBatch as batch,
  expectCifarStepsLikePyTorch,
  cifarSteps as fixture,
} from '../../core/test/helpers/cifar-steps.js';
import { kernelCounts } from '../src/index.js';
import { available } from './helpers.js';

describe.skipIf(!available)('the CIFAR tutorial network on native', () => {
  const model = tudui();
  afterAll(() => model.dispose());

  it(`stays within 1e-3 of PyTorch's loss at each of ${fixture.steps} SGD steps`, async () => {
    await useBackend('native');
    const gradients = kernelCounts[CONV2D_BACKPROP_FILTER_BIAS]!;
    const before = gradients.native;
    await expectCifarStepsLikePyTorch(model);
    // three convolutions a step, each with its filter and bias gradients on oneDNN, in one primitive
    expect(gradients.native - before).toBe(3 * fixture.steps);
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
    // 900 steps allocate ~1 GB of outputs in all; a leak of even one activation per step would exceed this. Under
    // AddressSanitizer (pnpm test:asan) freed memory waits in ASan's quarantine (256 MiB by default) before reuse, so
    // that a use after free is caught: RSS grows by up to that much without any leak.
    const quarantine = process.env.TRAINKIT_ASAN ? 256 * 2 ** 20 : 0;
    expect(growth, `RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(48 * 2 ** 20 + quarantine);
  });
});
