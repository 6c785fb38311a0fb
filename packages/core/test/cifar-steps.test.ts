import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { nn, optim, tf, useBackend } from '../src/index.js';
import { loadFixture } from './helpers/fixtures.js';

// tools/fixtures/cifar_steps.py: 50 SGD steps of the tutorial network in PyTorch from state_cifar.safetensors.
const fixture = loadFixture<{ steps: number; batch: number; lr: number; losses: number[] }>('cifar_steps').cases;
const weights = fileURLToPath(new URL('./fixtures/state_cifar.safetensors', import.meta.url));

/** The same formula as the fixture script (noise plus a label-coded brightness, in float64 rounded once to float32). */
function batch(step: number): [tf.Tensor4D, tf.Tensor1D] {
  const per = 3 * 32 * 32;
  const n = fixture.batch * per;
  const y = Int32Array.from({ length: fixture.batch }, (_, k) => (k * 3 + step) % 10);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++)
    x[i] = (((i * 7919 + step * 104729) % 1000) / 500 - 1) * 0.5 + (y[Math.floor(i / per)]! / 4.5 - 1);
  return [tf.tensor4d(x, [fixture.batch, 3, 32, 32]), tf.tensor1d(y, 'int32')];
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
