import { afterAll, describe, expect, it } from 'vitest';
import { nn, optim, tf, useBackend } from '../src/index.js';
import {
  cifarStepsBatch as batch,
  cifarSteps as fixture,
  tudui,
  cifarStepsWeights as weights,
} from './helpers/cifar-steps.js';

// cpu's stock Conv2DBackpropFilter takes seconds per step at this size, so the 50 steps run on wasm only;
// every kernel involved is compared with cpu in the layer and wasm-kernel conformance tests.
describe('the CIFAR tutorial network trains as in PyTorch (wasm)', () => {
  const model = tudui();
  afterAll(() => model.dispose());

  it(`stays within 1e-3 of PyTorch's loss at each of ${fixture.steps} SGD steps, without leaking`, async () => {
    await useBackend('wasm');
    await model.load(weights, { strict: true });
    model.train();
    const lossFn = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: fixture.lr });
    const counts: number[] = [];
    for (let step = 0; step < fixture.steps; step++) {
      const [x, y] = batch(step);
      const loss = optimizer.step(() => lossFn.call(model.call(x), y))!;
      x.dispose();
      y.dispose();
      expect(
        Math.abs(loss - fixture.losses[step]!),
        `step ${step}: ${loss} vs PyTorch ${fixture.losses[step]}`,
      ).toBeLessThan(1e-3);
      counts.push(tf.memory().numTensors);
    }
    // the first step creates the gradients' and optimizer's tensors; after that the count is flat
    expect(new Set(counts.slice(1)).size).toBe(1);
  });
});
