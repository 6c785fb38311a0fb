// The fused linear kernel (LINEAR_BIAS: x·Wᵀ + b in one kernel, lazy gradients) against matMul followed by add, on
// every test backend: forward, the three gradients, which gradients the tape runs, and where a backend has no such
// kernel (wasm keeps matMul + add), the fallback.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, nn, optim, tf, useBackend } from '../src/index.js';
import { LINEAR_BIAS, linearBias } from '../src/kernels/linear-bias.js';
import { TEST_BACKENDS } from './helpers/fixtures.js';
import { expectAllClose, rand } from './wasm-kernels-compare.js';

async function kernelCounts(fn: () => void): Promise<Map<string, number>> {
  const info = await tf.profile(fn);
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return counts;
}

// [M, K, N]: odd sizes, a single row, the MNIST MLP's first layer
const SHAPES: [number, number, number][] = [
  [7, 5, 3],
  [1, 9, 4],
  [64, 784, 250],
];

/** y and d/dx, d/dW, d/db of Σ y·r (r fixed, so every output element weighs differently). */
function evaluate(m: number, k: number, n: number, f: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor) {
  return tf.tidy(() => {
    const [x, w, b, r] = [rand([m, k], 1), rand([n, k], 2), rand([n], 3), rand([m, n], 4)];
    const y = f(x, w, b);
    const grads = tf.grads((xv: tf.Tensor, wv: tf.Tensor, bv: tf.Tensor) => tf.sum(tf.mul(f(xv, wv, bv), r)))([
      x,
      w,
      b,
    ]);
    const out = (t: tf.Tensor) => ({ shape: t.shape, data: Array.from(t.dataSync()) });
    return { y: out(y), grads: grads.map(out) };
  });
}

const fused = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
  linearBias(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D);
const unfused = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.add(tf.matMul(x, w, false, true), b);

for (const backend of TEST_BACKENDS) {
  describe(`${LINEAR_BIAS} on ${backend}`, () => {
    let has = false;
    beforeAll(async () => {
      await useBackend(backend);
      has = tf.getKernel(LINEAR_BIAS, backend) !== undefined;
    });

    it('is registered where the backend gains from it (not on wasm), with a gradient', () => {
      expect(has).toBe(backend !== 'wasm');
      expect(tf.getGradient(LINEAR_BIAS)?.inputsToSave).toEqual(['x', 'weight']);
    });

    it.each(SHAPES)('[%i, %i]·[%i, ·]ᵀ + b: forward and d/dx, d/dW, d/db equal matMul + add', async (m, k, n) => {
      const counts = await kernelCounts(() =>
        tf.tidy(() => void fused(rand([m, k], 1), rand([n, k], 2), rand([n], 3))),
      );
      expect(counts.get(LINEAR_BIAS) ?? 0, 'one fused kernel where registered').toBe(has ? 1 : 0);
      expect(counts.get('Add') ?? 0, 'no separate bias add where fused').toBe(has ? 0 : 1);
      const got = evaluate(m, k, n, fused);
      const want = evaluate(m, k, n, unfused);
      expectAllClose(got.y, want.y, 'forward');
      ['x', 'W', 'b'].forEach((name, i) => {
        expectAllClose(got.grads[i]!, want.grads[i]!, `d/d${name}`);
      });
    });

    it("a training step of two Linear layers never runs the first layer's input gradient", async () => {
      const model = new nn.Sequential(new nn.Linear(13, 7), new nn.ReLU(), new nn.Linear(7, 3));
      const x = rand([5, 13], 5);
      const counts = await kernelCounts(() => {
        backward(() => tf.sum(tf.square(model.forward(x))), model.parameters());
      });
      if (has) {
        expect(counts.get(LINEAR_BIAS)).toBe(2);
        // dW for both layers, dx for the second only
        expect(counts.get(tf.BatchMatMul)).toBe(3);
      }
      x.dispose();
      model.dispose();
    });

    it('leaves the tensor count flat through training steps', () => {
      const model = new nn.Sequential(new nn.Linear(11, 6), new nn.ReLU(), new nn.Linear(6, 4));
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      const x = rand([9, 11], 6);
      const step = () => opt.step(() => tf.mean(tf.square(model.forward(x))));
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      model.dispose();
    });
  });
}
