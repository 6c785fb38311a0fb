// The backend rule that hands back a transpose's input when a transpose undoes it, and keeps a variable's transpose
// while the variable's data lives (src/backend/transpose-elision.ts), on tfjs's cpu and wasm backends: the same
// numbers and gradients as the stock Transpose, shared data where a pair cancels, and no tensor or data buffer left
// behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerTransposeElision,
  TRANSPOSE_ELISION_BACKENDS,
  unregisterTransposeElision,
} from '../src/backend/transpose-elision.js';
import { backward, manualSeed, nn, tf, useBackend } from '../src/index.js';
import { TEST_BACKENDS } from './helpers/fixtures.js';

const NHWC = [0, 2, 3, 1];
const NCHW = [0, 3, 1, 2];

/** Runs fn with the stock Transpose (elide false) or the rule, leaving the rule registered afterwards. */
function withElision<T>(backend: string, elide: boolean, fn: () => T): T {
  if (!elide) unregisterTransposeElision(backend);
  try {
    return fn();
  } finally {
    registerTransposeElision(backend);
  }
}

function net(): nn.Sequential {
  manualSeed(4);
  return new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.AvgPool2d(2),
    new nn.Flatten(),
    new nn.Linear(8 * 2 * 2, 5),
  );
}

// cpu here; backend-wasm's vitest project runs this file on wasm (TRAINKIT_TEST_BACKENDS)
for (const backend of TEST_BACKENDS.filter((b) => TRANSPOSE_ELISION_BACKENDS.includes(b))) {
  describe(`transpose elision on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });
    afterAll(() => {
      registerTransposeElision(backend);
    });

    it('is registered by useBackend', () => {
      const x = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 1);
      const xt = tf.transpose(x, NHWC);
      const back = tf.transpose(xt, NCHW);
      expect(back.dataId).toBe(x.dataId);
      tf.dispose([x, xt, back]);
    });

    it('returns the original data for the inverse permutation, and computes any other one', () => {
      const x = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 2);
      const values = Array.from(x.dataSync());
      const xt = tf.transpose(x, NHWC);
      // the input may go before its transpose does: the transpose holds its data
      x.dispose();
      const back = tf.transpose(xt, NCHW);
      expect(back.shape).toEqual([2, 3, 4, 5]);
      expect(Array.from(back.dataSync())).toEqual(values);
      const other = tf.transpose(xt, [0, 2, 1, 3]);
      const want = withElision(backend, false, () => tf.transpose(tf.transpose(back, NHWC), [0, 2, 1, 3]));
      expect(other.dataId).not.toBe(back.dataId);
      expect(other.shape).toEqual(want.shape);
      expect(Array.from(other.dataSync())).toEqual(Array.from(want.dataSync()));
      tf.dispose([xt, back, other, want]);
    });

    it('gives the same loss and gradients as the stock Transpose, bit for bit, through a conv net', () => {
      const x = tf.randomNormal([4, 3, 8, 8], 0, 1, 'float32', 3);
      const run = (elide: boolean) =>
        withElision(backend, elide, () => {
          const model = net();
          const input = new nn.Parameter(x.clone());
          const loss = backward(() => tf.sum(tf.square(model.forward(input.data))), [...model.parameters(), input]);
          const grads = [...model.parameters(), input].map((p) => Array.from(p.grad!.dataSync()));
          model.dispose();
          input.dispose();
          return { loss, grads };
        });
      const stock = run(false);
      const elided = run(true);
      expect(elided.loss).toBe(stock.loss);
      expect(elided.grads).toEqual(stock.grads);
      x.dispose();
    });

    it('differentiates a cancelling pair as the identity', () => {
      const x = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 5);
      const r = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 6);
      const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.transpose(tf.transpose(xi, NHWC), NCHW), r)))(x);
      expect(Array.from(dx.dataSync())).toEqual(Array.from(r.dataSync()));
      tf.dispose([x, r, dx]);
    });

    it('leaves no tensor or data buffer behind once the tensors are disposed', () => {
      const before = tf.memory();
      for (let i = 0; i < 3; i++) {
        const x = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 7);
        const xt = tf.transpose(x, NHWC);
        const back = tf.transpose(xt, NCHW);
        const again = tf.transpose(back, NHWC);
        // disposed out of order: the transposes' outputs outlive the data they hold
        tf.dispose([x, back]);
        tf.dispose([xt, again]);
      }
      const after = tf.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numDataBuffers).toBe(before.numDataBuffers);
    });

    it("keeps a variable's transpose while the variable's data lives, and lets go of it when the data goes", () => {
      const before = tf.memory();
      const v = tf.tidy(() => tf.variable(tf.randomNormal([4, 3, 5, 5], 0, 1, 'float32', 9)));
      const first = tf.transpose(v, [2, 3, 1, 0]);
      const values = Array.from(first.dataSync());
      const firstData = first.dataId;
      first.dispose();
      // an evaluation loop's next batch: the same filter comes back, data and all
      const again = tf.transpose(v, [2, 3, 1, 0]);
      expect(again.dataId).toBe(firstData);
      expect(Array.from(again.dataSync())).toEqual(values);
      const other = tf.transpose(v, [1, 0, 2, 3]);
      expect(other.dataId).not.toBe(again.dataId);
      const kept = again.dataId;
      tf.dispose([again, other]);
      // an optimizer step assigns new data: its transpose is computed anew, and the old one is freed with the old data
      tf.tidy(() => v.assign(tf.mul(v, 2)));
      const next = tf.transpose(v, [2, 3, 1, 0]);
      expect(next.dataId).not.toBe(kept);
      expect(Array.from(next.dataSync())).toEqual(values.map((x) => x * 2));
      next.dispose();
      v.dispose();
      const after = tf.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numDataBuffers).toBe(before.numDataBuffers);
      expect(after.numBytes).toBe(before.numBytes);
    });

    it("differentiates through a variable's kept transpose", () => {
      const v = tf.tidy(() => tf.variable(tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 10)));
      const r = tf.randomNormal([4, 5, 3, 2], 0, 1, 'float32', 11);
      tf.transpose(v, [2, 3, 1, 0]).dispose();
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.transpose(v, [2, 3, 1, 0]), r)) as tf.Scalar, [v]);
      const want = tf.transpose(r, [3, 2, 0, 1]);
      expect(Array.from(grads[v.name]!.dataSync())).toEqual(Array.from(want.dataSync()));
      tf.dispose([v, r, want, grads[v.name]!]);
    });

    it('keeps the tensor count flat through training steps', () => {
      const model = net();
      const x = tf.randomNormal([4, 3, 8, 8], 0, 1, 'float32', 8);
      const step = () => {
        backward(() => tf.sum(tf.square(model.forward(x))), model.parameters());
        model.zeroGrad();
      };
      step();
      const before = tf.memory();
      for (let i = 0; i < 4; i++) step();
      const after = tf.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numDataBuffers).toBe(before.numDataBuffers);
      x.dispose();
      model.dispose();
    });
  });
}
