// The fused convolution + bias kernel (CONV2D_BIAS) against tf.conv2d followed by tf.add, on every test backend:
// forward, the three gradients, which gradients the tape runs, the fallback where a backend has no such kernel, and
// tensor counts through training steps.
import { beforeAll, describe, expect, it } from 'vitest';
import { backward, nn, optim, tf, useBackend } from '../src/index.js';
import { CONV2D_BACKPROP_FILTER_BIAS } from '../src/kernels/conv2d-backprop-filter-bias.js';
import { CONV2D_BIAS, type Conv2DBiasAttrs, conv2dBias } from '../src/kernels/conv2d-bias.js';
import { TEST_BACKENDS } from './helpers/fixtures.js';
import { expectAllClose, rand } from './wasm-kernels-compare.js';

type Pad = Conv2DBiasAttrs['pad'];
type Explicit = [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: [number, number];
  pad: Pad;
  round?: 'ceil';
  /** the same convolution with explicit padding, for the reference where tfjs-core's Conv2D gradient is wrong */
  refPad?: Explicit;
}

// odd sizes throughout; batch 1 and 3
const CASES: Case[] = [
  { x: [1, 7, 9, 3], f: [3, 3, 3, 4], s: [1, 1], pad: 'same' },
  { x: [3, 7, 9, 3], f: [3, 3, 3, 4], s: [1, 1], pad: 'same' },
  { x: [3, 9, 8, 5], f: [3, 3, 5, 7], s: [2, 2], pad: 'same' },
  { x: [1, 9, 8, 2], f: [4, 3, 2, 3], s: [2, 1], pad: 'valid' },
  { x: [3, 11, 11, 3], f: [3, 3, 3, 5], s: [3, 3], pad: 'valid' },
  {
    x: [3, 10, 11, 3],
    f: [5, 5, 3, 2],
    s: [2, 3],
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  },
  {
    x: [1, 7, 7, 3],
    f: [3, 2, 3, 5],
    s: [1, 2],
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [3, 7, 9, 3], f: [3, 3, 3, 4], s: [1, 1], pad: 2 },
  { x: [1, 1, 1, 3], f: [1, 1, 3, 2], s: [1, 1], pad: 'valid' },
  // 'ceil' with a numeric pad: 8 → 5 rows and 7 → 4 columns, the last ones half outside the padded input
  {
    x: [3, 8, 7, 3],
    f: [3, 3, 3, 2],
    s: [2, 2],
    pad: 1,
    round: 'ceil',
    refPad: [
      [0, 0],
      [1, 2],
      [1, 2],
      [0, 0],
    ],
  },
];

const label = (c: Case) => `x ${c.x} filter ${c.f} stride ${c.s} pad ${JSON.stringify(c.pad)}${c.round ?? ''}`;
const out = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() as Float32Array });

const inputs = (c: Case) =>
  [rand(c.x, 1) as tf.Tensor4D, rand(c.f, 2) as tf.Tensor4D, rand([c.f[3]], 3) as tf.Tensor1D] as const;

/** Forward value and the gradients of Σ y·r (r fixed and random, so that errors cannot cancel) for x, filter, bias. */
function evaluate(c: Case, conv: (x: tf.Tensor4D, f: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor) {
  const [x, f, b] = inputs(c);
  const y = conv(x, f, b);
  const r = rand(y.shape, 4);
  const grads = tf.grads((xv, fv, bv) =>
    tf.sum(tf.mul(conv(xv as tf.Tensor4D, fv as tf.Tensor4D, bv as tf.Tensor1D), r)),
  )([x, f, b]);
  const result = { y: out(y), grads: grads.map(out) };
  tf.dispose([x, f, b, y, r, ...grads]);
  return result;
}

const fused = (c: Case) => (x: tf.Tensor4D, f: tf.Tensor4D, b: tf.Tensor1D) => conv2dBias(x, f, b, c.s, c.pad, c.round);
const unfused = (c: Case) => (x: tf.Tensor4D, f: tf.Tensor4D, b: tf.Tensor1D) =>
  tf.add(tf.conv2d(x, f, c.s, c.refPad ?? c.pad, 'NHWC', 1, c.refPad ? undefined : c.round), b);

/** How many times each kernel ran inside fn. */
async function kernelCounts(fn: () => void): Promise<Map<string, number>> {
  const info = await tf.profile(fn);
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return counts;
}

/** Runs of a filter gradient: Conv2DBackpropFilter, or the kernel that also gives the bias's where one is registered. */
const filterGradients = (counts: Map<string, number>) =>
  (counts.get(tf.Conv2DBackpropFilter) ?? 0) + (counts.get(CONV2D_BACKPROP_FILTER_BIAS) ?? 0);

for (const backend of TEST_BACKENDS) {
  describe(`${CONV2D_BIAS} on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('is registered once the backend is chosen, and has a gradient', () => {
      expect(tf.getKernel(CONV2D_BIAS, tf.getBackend())).toBeDefined();
      expect(tf.getGradient(CONV2D_BIAS)?.inputsToSave).toEqual(['x', 'filter']);
    });

    it.each(CASES.map((c) => [label(c), c] as const))(
      '%s: forward and d/dx, d/dfilter, d/dbias equal conv2d + add',
      async (_l, c) => {
        const counts = await kernelCounts(() =>
          tf.tidy(() => {
            fused(c)(...inputs(c));
          }),
        );
        expect(counts.get(CONV2D_BIAS), 'one fused kernel').toBe(1);
        expect(counts.get('Add'), 'no separate bias add').toBeUndefined();
        const got = evaluate(c, fused(c));
        const want = evaluate(c, unfused(c));
        expectAllClose(got.y, want.y, `${label(c)} forward`);
        ['x', 'filter', 'bias'].forEach((name, i) => {
          expectAllClose(got.grads[i]!, want.grads[i]!, `${label(c)} d/d${name}`);
        });
      },
    );

    it('computes the input gradient only when it is asked for', async () => {
      const c = CASES[2]!;
      const [x, f, b] = inputs(c);
      const loss = (xv: tf.Tensor, fv: tf.Tensor, bv: tf.Tensor) =>
        tf.sum(tf.square(conv2dBias(xv as tf.Tensor4D, fv as tf.Tensor4D, bv, c.s, c.pad)));
      const runs = async (wrt: 'filter and bias' | 'all') =>
        kernelCounts(() =>
          tf.dispose(
            wrt === 'all'
              ? tf.grads(loss)([x, f, b])
              : tf.grads((fv: tf.Tensor, bv: tf.Tensor) => loss(x, fv, bv))([f, b]),
          ),
        );
      const some = await runs('filter and bias');
      expect(some.get(tf.Conv2DBackpropInput) ?? 0).toBe(0);
      expect(filterGradients(some)).toBe(1);
      const all = await runs('all');
      expect(all.get(tf.Conv2DBackpropInput)).toBe(1);
      expect(filterGradients(all)).toBe(1);
      tf.dispose([x, f, b]);
    });

    it("a training step of two Conv2d layers runs the second layer's input gradient only", async () => {
      const model = new nn.Sequential(
        new nn.Conv2d(3, 4, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.Conv2d(4, 5, 3, { stride: 2 }),
      );
      const x = rand([2, 3, 9, 9], 5);
      const counts = await kernelCounts(() => {
        backward(() => tf.sum(tf.square(model.forward(x))), model.parameters());
      });
      expect(counts.get(CONV2D_BIAS)).toBe(2);
      expect(filterGradients(counts)).toBe(2);
      expect(counts.get(tf.Conv2DBackpropInput)).toBe(1);
      x.dispose();
      model.dispose();
    });

    it('falls back to conv2d + add where the backend has no such kernel, with the same numbers', async () => {
      const c = CASES[5]!;
      const got = evaluate(c, fused(c));
      const config = tf.getKernel(CONV2D_BIAS, tf.getBackend())!;
      // as on a backend that has no such kernel
      tf.unregisterKernel(CONV2D_BIAS, tf.getBackend());
      try {
        const counts = await kernelCounts(() =>
          tf.tidy(() => {
            fused(c)(...inputs(c));
          }),
        );
        expect(counts.get(CONV2D_BIAS)).toBeUndefined();
        expect(counts.get('Conv2D')).toBe(1);
        expect(counts.get('Add')).toBe(1);
        const fallback = evaluate(c, fused(c));
        expectAllClose(fallback.y, got.y, 'fallback forward');
        fallback.grads.forEach((g, i) => {
          expectAllClose(g, got.grads[i]!, `fallback gradient ${i}`);
        });
      } finally {
        tf.registerKernel(config);
      }
    });

    it('gives the same gradients without a Conv2DBackpropFilterBias kernel (Conv2DBackpropFilter and a Sum)', async () => {
      const c = CASES[2]!;
      const config = tf.getKernel(CONV2D_BACKPROP_FILTER_BIAS, tf.getBackend());
      const got = evaluate(c, fused(c));
      if (config) tf.unregisterKernel(CONV2D_BACKPROP_FILTER_BIAS, tf.getBackend());
      try {
        const counts = await kernelCounts(() => tf.dispose(evaluate(c, fused(c)) as unknown as tf.Tensor[]));
        expect(counts.get(CONV2D_BACKPROP_FILTER_BIAS)).toBeUndefined();
        expect(counts.get(tf.Conv2DBackpropFilter)).toBe(1);
        const split = evaluate(c, fused(c));
        split.grads.forEach((g, i) => {
          expectAllClose(g, got.grads[i]!, `gradient ${i} without the two-output kernel`);
        });
      } finally {
        if (config) tf.registerKernel(config);
      }
    });

    it('disposes the bias gradient no one asked for (a frozen bias)', () => {
      const conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
      conv.bias!.requiresGrad = false;
      const opt = new optim.SGD(conv.parameters(), { lr: 0.01 });
      const x = rand([2, 3, 7, 7], 7);
      const bias = Array.from(conv.bias!.data.dataSync());
      const step = () => opt.step(() => tf.mean(tf.square(conv.forward(x))));
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(conv.bias!.data.dataSync())).toEqual(bias);
      x.dispose();
      conv.dispose();
    });

    it('leaves the tensor count flat through training steps', () => {
      const model = new nn.Sequential(new nn.Conv2d(3, 6, 3, { padding: 1 }), new nn.Conv2d(6, 4, 3, { stride: 2 }));
      const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
      const x = rand([3, 3, 11, 9], 6);
      const step = () => opt.step(() => tf.mean(tf.square(model.forward(x))));
      const losses = [step(), step()];
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) losses.push(step());
      expect(tf.memory().numTensors).toBe(before);
      // the steps trained: the loss went down
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      x.dispose();
      model.dispose();
    });
  });
}
