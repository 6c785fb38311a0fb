import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { nn, optim, tf } from '../../src/index.js';
import { loadFixture } from './fixtures.js';

// tools/fixtures/cifar_steps.py: 50 SGD steps of the tutorial network in PyTorch from state_cifar.safetensors.
// Shared by every backend's run of it (core's wasm test, backend-native's test).
export const cifarSteps = loadFixture<{ steps: number; batch: number; lr: number; losses: number[] }>(
  'cifar_steps',
).cases;
export const cifarStepsWeights = fileURLToPath(new URL('../fixtures/state_cifar.safetensors', import.meta.url));

/** The fixture script's batch: noise plus a label-coded brightness, in float64 rounded once to float32. */
export function cifarStepsBatch(step: number, size = cifarSteps.batch): [tf.Tensor4D, tf.Tensor1D] {
  const per = 3 * 32 * 32;
  const n = size * per;
  const y = Int32Array.from({ length: size }, (_, k) => (k * 3 + step) % 10);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++)
    x[i] = (((i * 7919 + step * 104729) % 1000) / 500 - 1) * 0.5 + (y[Math.floor(i / per)]! / 4.5 - 1);
  return [tf.tensor4d(x, [size, 3, 32, 32]), tf.tensor1d(y, 'int32')];
}

/**
 * Loads PyTorch's starting weights into `model` (a tudui() of @trainkit/test-models), runs the fixture's SGD steps on the current backend and
 * checks each step's loss within 1e-3 of PyTorch's; `afterStep` runs after each (tensor counts, kernel counts).
 */
export async function expectCifarStepsLikePyTorch(model: nn.Sequential, afterStep?: () => void): Promise<void> {
  await model.load(cifarStepsWeights, { strict: true });
  model.train();
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: cifarSteps.lr });
  for (let step = 0; step < cifarSteps.steps; step++) {
    const [x, y] = cifarStepsBatch(step);
    const loss = optimizer.step(() => lossFn.call(model.call(x), y))!;
    x.dispose();
    y.dispose();
    expect(
      Math.abs(loss - cifarSteps.losses[step]!),
      `step ${step}: ${loss} vs PyTorch ${cifarSteps.losses[step]}`,
    ).toBeLessThan(1e-3);
    afterStep?.();
  }
}
