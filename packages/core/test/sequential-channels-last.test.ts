// Sequential's channels-last runs (consecutive Conv2d / pools / BatchNorm2d / pointwise activations on NHWC, one
// transpose at each end) against the same layers called one by one through call(), which transposes around each.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, manualSeed, nn, tf, useBackend } from '../src/index.js';
import { TEST_BACKENDS } from './helpers/fixtures.js';

function layers(): nn.Module[] {
  manualSeed(7);
  return [
    new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
    new nn.BatchNorm2d(6),
    new nn.ReLU(),
    new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 1, ceilMode: true }),
    new nn.Conv2d(6, 6, 3, { padding: 'same', groups: 6 }),
    new nn.GELU(),
    new nn.AvgPool2d(2, { stride: 1, padding: 1, countIncludePad: false }),
    new nn.Identity(),
    new nn.Conv2d(6, 5, [2, 3], { padding: [1, 0] }),
    new nn.LeakyReLU(0.2),
    new nn.MaxPool2d(2, { dilation: 2 }),
    new nn.Tanh(),
    new nn.Flatten(),
    new nn.Linear(5 * 3, 3),
  ];
}

/** The reference: each layer through call(), NCHW in and out of every layer. */
const layerByLayer = (ls: nn.Module[]) => (x: tf.Tensor) =>
  ls.reduce<tf.Tensor>((h, l) => (l.call as (t: tf.Tensor) => tf.Tensor).call(l, h), x);

function close(a: tf.Tensor, b: tf.Tensor, label: string): void {
  expect(a.shape, label).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < y.length; i++) {
    expect(Math.abs(x[i]! - y[i]!), `${label} element ${i}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(y[i]!));
  }
}

for (const backend of TEST_BACKENDS) {
  describe(`Sequential keeps NHWC between channels-last layers on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    for (const mode of ['train', 'eval'] as const) {
      it(`${mode}: the same outputs, parameter and input gradients and running statistics as layer-by-layer calls`, () => {
        const fast = new nn.Sequential(...layers());
        const slowLayers = layers();
        const slow = new nn.Sequential(...slowLayers);
        fast[mode]();
        slow[mode]();
        const x = tf.randomNormal([2, 4, 19, 17], 0, 1, 'float32', 5);
        const xFast = new nn.Parameter(x.clone());
        const xSlow = new nn.Parameter(x.clone());
        const before = tf.memory().numTensors;
        const lossFast = backward(() => tf.sum(tf.square(fast.forward(xFast.data))), [...fast.parameters(), xFast]);
        const lossSlow = backward(
          () => tf.sum(tf.square(layerByLayer(slowLayers)(xSlow.data))),
          [...slow.parameters(), xSlow],
        );
        expect(Math.abs(lossFast - lossSlow)).toBeLessThanOrEqual(1e-4 * Math.abs(lossSlow));
        close(xFast.grad!, xSlow.grad!, 'input gradient');
        const pf = fast.namedParameters();
        const ps = slow.namedParameters();
        for (const [i, [name, p]] of pf.entries()) close(p.grad!, ps[i]![1].grad!, `${name} gradient`);
        const bs = slow.namedBuffers();
        for (const [i, [name, b]] of fast.namedBuffers().entries()) close(b, bs[i]![1], name);
        // gradients (one per parameter and the input's) are all that is left
        expect(tf.memory().numTensors - before).toBe(pf.length + ps.length + 2);
        tf.dispose([x]);
        xFast.dispose();
        xSlow.dispose();
        fast.dispose();
        slow.dispose();
      });
    }

    it('transposes once into NHWC and once out, plus one per convolution filter', async () => {
      const model = new nn.Sequential(...layers()).eval();
      const x = tf.randomNormal([2, 4, 19, 17], 0, 1, 'float32', 5);
      // tf.profile reuses one info object, so count before profiling again
      const transposes = async () => {
        const info = await tf.profile(() => model.forward(x));
        tf.dispose(info.result as tf.Tensor);
        return info.kernels.filter((k) => k.name === 'Transpose').length;
      };
      expect(await transposes()).toBe(2 + 3);
      // a hook on the first layer sends it through call(), which transposes in and out around it
      const handle = model.at(0).registerForwardHook(() => undefined);
      expect(await transposes()).toBe(2 + 2 + 3);
      handle.remove();
      tf.dispose(x);
      model.dispose();
    });

    it('hooks see NCHW tensors, and a subclass that overrides forward runs its own forward', () => {
      class Doubled extends nn.ReLU {
        override forward(input: tf.Tensor): tf.Tensor {
          return tf.mul(super.forward(input), 2);
        }
      }
      const model = new nn.Sequential(new nn.Conv2d(3, 4, 3), new Doubled(), new nn.MaxPool2d(2));
      const seen: number[][] = [];
      model.at(2).registerForwardPreHook((_, inputs) => {
        seen.push((inputs[0] as tf.Tensor).shape);
      });
      const x = tf.randomNormal([1, 3, 8, 8], 0, 1, 'float32', 9);
      const y = model.forward(x);
      const want = tf.maxPool(
        tf.transpose(tf.mul(tf.relu((model.at(0) as nn.Conv2d).forward(x)), 2), [0, 2, 3, 1]) as tf.Tensor4D,
        2,
        2,
        'valid',
      );
      close(y, tf.transpose(want, [0, 3, 1, 2]), 'output');
      expect(seen).toEqual([[1, 4, 6, 6]]);
      model.dispose();
    });

    it("errors name the layer and its NCHW shapes, as the layer's own forward does", () => {
      const model = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.ReLU(), new nn.Conv2d(5, 2, 3), new nn.ReLU());
      const x = tf.zeros([2, 3, 9, 9]);
      expect(() => model.call(x)).toThrow("Conv2d '2': expected input [N, 5, H, W] or [5, H, W], got [2, 4, 7, 7]");
      const small = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.MaxPool2d(5));
      expect(() => small.call(tf.zeros([1, 3, 5, 5]))).toThrow(/MaxPool2d '1'.*input \[1, 4, 3, 3\] is too small/);
      model.dispose();
      small.dispose();
    });
  });
}
