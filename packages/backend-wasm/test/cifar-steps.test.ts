import { tf, useBackend } from '@trainkit/core';
import { tudui } from '@trainkit/test-models';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCifarStepsLikePyTorch, cifarSteps as fixture } from '../../core/test/helpers/cifar-steps.js';

// cpu's stock Conv2DBackpropFilter takes seconds per step at this size, so the 50 steps run on wasm only;
// every kernel involved is compared with cpu in the layer and wasm-kernel conformance tests.
describe('the CIFAR tutorial network trains as in PyTorch (wasm)', () => {
  const model = tudui();
  afterAll(() => model.dispose());

  it(`stays within 1e-3 of PyTorch's loss at each of ${fixture.steps} SGD steps, without leaking`, async () => {
    await useBackend('wasm');
    const counts: number[] = [];
    await expectCifarStepsLikePyTorch(model, () => counts.push(tf.memory().numTensors));
    // the first step creates the gradients' and optimizer's tensors; after that the count is flat
    expect(new Set(counts.slice(1)).size).toBe(1);
  });
});
