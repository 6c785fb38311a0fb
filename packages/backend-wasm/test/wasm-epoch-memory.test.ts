// Training on the wasm backend leaves nothing behind: tf.memory().numTensors (and the bytes they hold) are the same
// after every epoch of optimizer.step(closure) plus a noGrad evaluation, with the fast paths in play (threads,
// transpose elision, fused optimizer kernels, shared Identity buffers).

import { nn, noGrad, optim, tf, useBackend } from '@trainkit/core';
import { tudui } from '@trainkit/test-models';
import { beforeAll, describe, expect, it } from 'vitest';

const BATCH = 8;
const BATCHES_PER_EPOCH = 6;

function batches(shape: number[], classes: number): [tf.Tensor, tf.Tensor][] {
  return Array.from({ length: BATCHES_PER_EPOCH }, (_, b) => [
    tf.randomUniform([BATCH, ...shape], -1, 1, 'float32', 1 + b),
    tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => (i * 3 + b) % classes),
      'int32',
    ),
  ]);
}

function epochs(
  model: nn.Module & { forward(x: tf.Tensor): tf.Tensor },
  optimizer: optim.Optimizer<optim.BaseOptions>,
  data: [tf.Tensor, tf.Tensor][],
): { tensors: number[]; bytes: number[] } {
  const lossFn = new nn.CrossEntropyLoss();
  const tensors: number[] = [];
  const bytes: number[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    model.train();
    for (const [x, y] of data) optimizer.step(() => lossFn.forward(model.forward(x), y) as tf.Tensor);
    model.eval();
    let correct = 0;
    for (const [x, y] of data) {
      correct += noGrad(() => tf.sum(tf.equal(tf.argMax(model.forward(x), 1), y)).dataSync()[0]!);
    }
    expect(correct).toBeGreaterThanOrEqual(0);
    tensors.push(tf.memory().numTensors);
    bytes.push(tf.memory().numBytes);
  }
  return { tensors, bytes };
}

describe('tensor count stays flat over epochs on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('the CIFAR tutorial network with SGD', () => {
    const model = tudui();
    const data = batches([3, 32, 32], 10);
    const { tensors, bytes } = epochs(model, new optim.SGD(model.parameters(), { lr: 0.01 }), data);
    // the first epoch creates the optimizer state (none for plain SGD); after that nothing changes
    expect(tensors[2]).toBe(tensors[1]);
    expect(tensors[1]).toBe(tensors[0]);
    expect(bytes[2]).toBe(bytes[1]);
    model.dispose();
    tf.dispose(data.flat());
  });

  it('a BatchNorm / ReLU / Dropout / AvgPool net with Adam (amsgrad) and an MLP with SGD momentum', () => {
    const conv = new nn.Sequential(
      new nn.Conv2d(1, 8, 3, { padding: 1 }),
      new nn.BatchNorm2d(8),
      new nn.ReLU(),
      new nn.AvgPool2d(2),
      new nn.Conv2d(8, 8, 3, { stride: 2, dilation: 2, padding: 2 }),
      new nn.ReLU(),
      new nn.Flatten(),
      new nn.Dropout(0.2),
      new nn.Linear(8 * 4 * 4, 10),
    );
    const mlp = new nn.Sequential(new nn.Flatten(), new nn.Linear(256, 32), new nn.ReLU(), new nn.Linear(32, 10));
    const data = batches([1, 16, 16], 10);
    for (const [model, opt] of [
      [conv, new optim.Adam(conv.parameters(), { amsgrad: true, weightDecay: 1e-4 })],
      [mlp, new optim.SGD(mlp.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true })],
    ] as const) {
      const { tensors, bytes } = epochs(model, opt, data);
      // epoch 1 adds the optimizer's state tensors; epochs 2 and 3 add nothing
      expect(tensors[2]).toBe(tensors[1]);
      expect(bytes[2]).toBe(bytes[1]);
      model.dispose();
      for (const s of opt.state.values()) for (const v of Object.values(s)) if (v instanceof tf.Tensor) v.dispose();
    }
    tf.dispose(data.flat());
  });
});
