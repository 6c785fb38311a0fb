// Forward and backward of the ops a PyTorch-style training step uses, on wasm against tfjs's cpu reference.
// Without trainkit's wasm kernels the conv2d, depthwise and gather cases fail (tfjs-backend-wasm 4.22 has no
// Conv2DBackpropFilter, DepthwiseConv2dNativeBackprop* or UnsortedSegmentSum).

import { tf, useBackend } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import {
  expectAllClose,
  expectWasmMatchesCpu,
  type GradCase,
  rand,
  values,
} from '../../core/test/wasm-kernels-compare.js';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
type Pair = number | [number, number];

// tfjs-core's Conv2D and MaxPool gradients drop dimRoundingMode, so cpu's own kernels compute a 'ceil' gradient on the
// rounded-down geometry; for those cases cpu runs the same op with the equivalent explicit padding (refPad).
const convCases: { x: number[]; f: number[]; s: Pair; pad: Pad; round?: 'ceil'; refPad?: Pad }[] = [
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'valid' },
  { x: [2, 8, 9, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
  { x: [2, 9, 8, 2], f: [4, 3, 2, 3], s: 2, pad: 'valid' },
  {
    x: [1, 10, 11, 3],
    f: [5, 5, 3, 2],
    s: [2, 3],
    pad: [
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ],
  },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 2], s: 2, pad: 2 },
  {
    x: [2, 7, 7, 3],
    f: [3, 2, 3, 4],
    s: [1, 2],
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  {
    x: [2, 7, 7, 3],
    f: [2, 2, 3, 2],
    s: 2,
    pad: [
      [0, 0],
      [0, 1],
      [1, 0],
      [0, 0],
    ],
  },
  { x: [3, 6, 5, 4], f: [1, 1, 4, 6], s: 2, pad: 'valid' },
  { x: [2, 11, 11, 3], f: [3, 3, 3, 4], s: 3, pad: 'valid' },
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 3 },
  {
    x: [2, 8, 8, 3],
    f: [3, 3, 3, 2],
    s: 2,
    pad: 1,
    round: 'ceil',
    refPad: [
      [0, 0],
      [1, 2],
      [1, 2],
      [0, 0],
    ],
  },
  { x: [4, 16, 16, 8], f: [5, 5, 8, 8], s: 1, pad: 2 },
];
const maxPoolCases: { x: number[]; k: Pair; s: Pair; pad: Pad; round?: 'ceil'; refPad?: Pad }[] = [
  { x: [2, 8, 8, 3], k: 2, s: 2, pad: 'valid' },
  { x: [2, 7, 9, 3], k: 3, s: 2, pad: 'same' },
  { x: [2, 7, 9, 3], k: 3, s: 1, pad: 'same' },
  { x: [1, 5, 5, 2], k: 2, s: 2, pad: 'valid' },
  {
    x: [2, 7, 6, 3],
    k: [2, 3],
    s: [1, 2],
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  { x: [2, 7, 7, 3], k: 3, s: 2, pad: 1 },
  {
    x: [2, 8, 8, 3],
    k: 3,
    s: 2,
    pad: 0,
    round: 'ceil',
    refPad: [
      [0, 0],
      [0, 1],
      [0, 1],
      [0, 0],
    ],
  },
  {
    x: [1, 9, 8, 2],
    k: 3,
    s: 2,
    pad: 1,
    round: 'ceil',
    refPad: [
      [0, 0],
      [1, 1],
      [1, 2],
      [0, 0],
    ],
  },
  {
    x: [2, 7, 6, 3],
    k: 3,
    s: 2,
    pad: [
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ],
  },
];
// tfjs's AvgPool forward leaves padding out of the average, but its cpu AvgPoolGrad divides by the whole window.
// The reference: an unpadded average over zero-padded x (whose cpu gradient is right), rescaled by window/count.
function avgPoolExcludingPad(x: tf.Tensor, k: Pair, s: Pair, pad: Pad, round?: 'ceil'): tf.Tensor {
  const info = tf.backend_util.computePool2DInfo(x.shape as never, k, s, 1, pad as never, round);
  const { top, left } = info.padInfo;
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const bottom = Math.max(0, (oh - 1) * sh + kh - h - top);
  const right = Math.max(0, (ow - 1) * sw + kw - w - left);
  const sums = tf.avgPool(
    tf.pad(x, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]) as tf.Tensor4D,
    k,
    s,
    'valid',
  );
  const scale = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    const rows = Math.min(h, i * sh - top + kh) - Math.max(0, i * sh - top);
    for (let j = 0; j < ow; j++) {
      const cols = Math.min(w, j * sw - left + kw) - Math.max(0, j * sw - left);
      scale[i * ow + j] = (kh * kw) / (rows * cols);
    }
  }
  return tf.mul(sums, tf.tensor(scale, [1, oh, ow, 1]));
}
const avgPoolPaddedCases: { x: number[]; k: Pair; s: Pair; pad: Pad; round?: 'ceil' }[] = [
  { x: [2, 7, 9, 3], k: 3, s: 2, pad: 'same' },
  { x: [2, 6, 7, 3], k: 3, s: 1, pad: 'same' },
  {
    x: [1, 7, 6, 2],
    k: [2, 3],
    s: [2, 1],
    pad: [
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [2, 8, 8, 3], k: 3, s: 2, pad: 0, round: 'ceil' },
  { x: [2, 7, 7, 2], k: 3, s: 2, pad: 1 },
];
const label = (o: object) => JSON.stringify(o).replace(/"/g, '');

const cases: GradCase[] = [
  ...convCases.map(
    (c, i): GradCase => ({
      name: `conv2d ${label(c)}`,
      inputs: () => [rand(c.x, 10 + i), rand(c.f, 50 + i)],
      f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad as never, 'NHWC', 1, c.round),
      ...(c.refPad && { cpuF: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.refPad as never) }),
    }),
  ),
  {
    name: 'conv2dTranspose stride 2 same',
    inputs: () => [rand([2, 5, 6, 4], 1), rand([3, 3, 3, 4], 2)],
    f: (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 10, 12, 3], 2, 'same'),
  },
  {
    name: 'conv2d chain (dx of the second conv flows into dW of the first)',
    inputs: () => [rand([2, 9, 9, 3], 3), rand([3, 3, 3, 4], 4), rand([3, 3, 4, 5], 5)],
    f: (x, w1, w2) =>
      tf.conv2d(tf.relu(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same')), w2 as tf.Tensor4D, 2, 'valid'),
  },
  ...[
    { x: [2, 7, 8, 3], f: [3, 3, 3, 1], s: 1, pad: 'same' },
    { x: [2, 7, 8, 3], f: [3, 3, 3, 2], s: 2, pad: 'valid' },
    { x: [1, 9, 7, 4], f: [2, 3, 4, 3], s: [1, 2], pad: 'same' },
    {
      x: [2, 6, 7, 2],
      f: [3, 3, 2, 2],
      s: 1,
      pad: [
        [0, 0],
        [2, 0],
        [1, 1],
        [0, 0],
      ],
    },
  ].map(
    (c, i): GradCase => ({
      name: `depthwiseConv2d ${label(c)}`,
      inputs: () => [rand(c.x, 20 + i), rand(c.f, 60 + i)],
      f: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s as Pair, c.pad as never),
    }),
  ),
  {
    name: 'separableConv2d',
    inputs: () => [rand([2, 8, 8, 3], 6), rand([3, 3, 3, 2], 7), rand([1, 1, 6, 4], 8)],
    f: (x, d, p) => tf.separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'same'),
  },
  ...maxPoolCases.map(
    (c, i): GradCase => ({
      name: `maxPool ${label(c)}`,
      inputs: () => [rand(c.x, 30 + i)],
      f: (x) => tf.maxPool(x as tf.Tensor4D, c.k as Pair, c.s as Pair, c.pad as never, c.round as never),
      ...(c.refPad && { cpuF: (x) => tf.maxPool(x as tf.Tensor4D, c.k as Pair, c.s as Pair, c.refPad as never) }),
    }),
  ),
  {
    // relu zeros make ties inside windows: the gradient must go to the first maximum, as on cpu
    name: 'maxPool over relu (ties)',
    inputs: () => [rand([2, 8, 8, 4], 9, -1, 0.3)],
    f: (x) => tf.maxPool(tf.relu(x) as tf.Tensor4D, 2, 2, 'valid'),
  },
  ...[
    { x: [2, 8, 8, 3], k: 2, s: 2 },
    { x: [2, 7, 9, 3], k: 3, s: 2 },
    { x: [1, 5, 5, 2], k: [2, 3], s: [1, 2] },
  ].map(
    (c, i): GradCase => ({
      name: `avgPool valid ${label(c)}`,
      inputs: () => [rand(c.x, 40 + i)],
      f: (x) => tf.avgPool(x as tf.Tensor4D, c.k as Pair, c.s as Pair, 'valid'),
    }),
  ),
  ...avgPoolPaddedCases.map(
    (c, i): GradCase => ({
      name: `avgPool padded ${label(c)} (reference: padding left out of the average, as the forward does)`,
      inputs: () => [rand(c.x, 45 + i)],
      f: (x) => tf.avgPool(x as tf.Tensor4D, c.k, c.s, c.pad as never, c.round),
      cpuF: (x) => avgPoolExcludingPad(x, c.k, c.s, c.pad, c.round),
    }),
  ),
  ...(
    ['relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'erf', 'exp', 'abs', 'square', 'neg'] as const
  ).map((op): GradCase => ({ name: op, inputs: () => [rand([3, 7, 5], 11, -3, 3)], f: (x) => tf[op](x) })),
  {
    name: 'log sqrt rsqrt',
    inputs: () => [rand([4, 6], 12, 0.1, 3)],
    f: (x) => tf.add(tf.add(tf.log(x), tf.sqrt(x)), tf.rsqrt(x)),
  },
  { name: 'leakyRelu', inputs: () => [rand([3, 7, 5], 13, -3, 3)], f: (x) => tf.leakyRelu(x, 0.1) },
  { name: 'prelu', inputs: () => [rand([3, 7, 5], 13, -3, 3), rand([5], 14)], f: (x, a) => tf.prelu(x, a) },
  {
    name: 'gelu (erf form)',
    inputs: () => [rand([4, 9], 15, -3, 3)],
    f: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))),
  },
  {
    name: 'gelu (tanh form)',
    inputs: () => [rand([4, 9], 16, -3, 3)],
    f: (x) =>
      tf.mul(
        tf.mul(x, 0.5),
        tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))),
      ),
  },
  ...[false, true].flatMap((ta) =>
    [false, true].map(
      (tb): GradCase => ({
        name: `matMul transposeA=${ta} transposeB=${tb}`,
        inputs: () => [rand(ta ? [13, 7] : [7, 13], 17), rand(tb ? [5, 13] : [13, 5], 18)],
        f: (a, b) => tf.matMul(a, b, ta, tb),
      }),
    ),
  ),
  ...[false, true].flatMap((ta) =>
    [false, true].map(
      (tb): GradCase => ({
        name: `fused matMul + bias + relu transposeA=${ta} transposeB=${tb}`,
        inputs: () => [rand(ta ? [12, 8] : [8, 12], 23), rand(tb ? [6, 12] : [12, 6], 24), rand([6], 25)],
        f: (a, b, bias) => tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: 'relu' }),
      }),
    ),
  ),
  ...[false, true].flatMap((ta) =>
    [false, true].map(
      (tb): GradCase => ({
        name: `batched matMul transposeA=${ta} transposeB=${tb}`,
        inputs: () => [rand(ta ? [3, 6, 4] : [3, 4, 6], 19), rand(tb ? [3, 5, 6] : [3, 6, 5], 20)],
        f: (a, b) => tf.matMul(a, b, ta, tb),
      }),
    ),
  ),
  {
    name: 'linear layer x·Wᵀ + b',
    inputs: () => [rand([16, 32], 26), rand([10, 32], 27), rand([10], 28)],
    f: (x, w, b) => tf.add(tf.matMul(x, w, false, true), b),
  },
  { name: 'softmax', inputs: () => [rand([5, 10], 29, -4, 4)], f: (x) => tf.softmax(x) },
  { name: 'logSoftmax', inputs: () => [rand([5, 10], 30, -4, 4)], f: (x) => tf.logSoftmax(x) },
  {
    name: 'cross entropy (logSoftmax · oneHot, mean)',
    inputs: () => [rand([6, 10], 31, -4, 4), tf.tensor1d([0, 3, 9, 3, 5, 1], 'int32')],
    f: (x, y) => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(y as tf.Tensor1D, 10)), -1))),
  },
  {
    name: 'cross entropy (gather of logSoftmax rows)',
    inputs: () => [rand([6, 10], 32, -4, 4), tf.tensor1d([0, 13, 29, 33, 45, 51], 'int32')],
    f: (x, idx) => tf.neg(tf.mean(tf.gather(tf.reshape(tf.logSoftmax(x), [-1]), idx))),
  },
  {
    name: 'tf.losses.softmaxCrossEntropy',
    inputs: () => [rand([6, 10], 33, -4, 4), tf.oneHot(tf.tensor1d([1, 2, 3, 4, 5, 6], 'int32'), 10)],
    f: (x, y) => tf.losses.softmaxCrossEntropy(y!, x),
    wrt: [0],
  },
  {
    name: 'batch norm from moments (train mode)',
    inputs: () => [rand([4, 5, 6, 3], 34, -2, 2), rand([3], 35, 0.5, 1.5), rand([3], 36)],
    f: (x, g, b) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
    },
  },
  {
    name: 'tf.batchNorm (FusedBatchNorm) with mean/variance inputs',
    inputs: () => [rand([4, 5, 6, 3], 37, -2, 2), rand([3], 38), rand([3], 39, 0.5, 2), rand([3], 40), rand([3], 41)],
    f: (x, m, v, o, s) => tf.batchNorm(x, m!, v!, o, s, 1e-3),
  },
  {
    name: 'add/sub/mul/div with broadcasting (bias grads are sums)',
    inputs: () => [rand([4, 5, 3], 42), rand([3], 43), rand([4, 1, 3], 44), rand([1, 5, 1], 45, 0.5, 2)],
    f: (a, b, c, d) => tf.div(tf.mul(tf.sub(tf.add(a, b), c), c), d),
  },
  {
    name: 'squaredDifference, maximum, minimum, pow',
    inputs: () => [rand([4, 6], 46, 0.1, 2), rand([4, 6], 47, 0.1, 2)],
    f: (a, b) => tf.add(tf.add(tf.squaredDifference(a, b), tf.maximum(a, b)), tf.add(tf.minimum(a, b), tf.pow(a, b))),
  },
  {
    name: 'reshape and transpose',
    inputs: () => [rand([2, 3, 4, 5], 48)],
    f: (x) => tf.transpose(tf.reshape(tf.transpose(x, [0, 2, 3, 1]), [8, 15]), [1, 0]),
  },
  {
    name: 'NCHW ↔ NHWC around conv2d (how nn.Conv2d would wrap it)',
    inputs: () => [rand([2, 3, 9, 9], 49), rand([4, 3, 3, 3], 50)],
    f: (x, w) =>
      tf.transpose(
        tf.conv2d(tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D, tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, 1, 1),
        [0, 3, 1, 2],
      ),
  },
  {
    name: 'pad',
    inputs: () => [rand([2, 3, 4], 51)],
    f: (x) =>
      tf.pad(
        x,
        [
          [0, 1],
          [2, 0],
          [1, 3],
        ],
        0.5,
      ),
  },
  {
    name: 'mirrorPad',
    inputs: () => [rand([3, 4], 52)],
    f: (x) =>
      tf.mirrorPad(
        x,
        [
          [1, 1],
          [2, 2],
        ],
        'reflect',
      ),
  },
  {
    name: 'slice and concat',
    inputs: () => [rand([4, 6, 3], 53), rand([4, 2, 3], 54)],
    f: (a, b) =>
      tf.concat([tf.slice(a, [1, 0, 0], [3, 4, 3]), tf.slice(a, [0, 3, 0], [3, 3, 3]), tf.slice(b, [1], [3])], 1),
  },
  {
    name: 'split and stack',
    inputs: () => [rand([4, 6], 55)],
    f: (x) => {
      const [p, q, r] = tf.split(x, [1, 2, 3], 1);
      return tf.stack([tf.sum(p!, 1), tf.sum(q!, 1), tf.sum(r!, 1)]);
    },
  },
  {
    name: 'gather axis 0 with repeated indices (embedding)',
    inputs: () => [rand([7, 5], 56), tf.tensor1d([3, 0, 3, 6, 1, 3], 'int32')],
    f: (x, i) => tf.gather(x, i),
  },
  {
    name: 'gather axis 1 with 2-D indices',
    inputs: () => [
      rand([3, 7, 2], 57),
      tf.tensor2d(
        [
          [1, 6],
          [6, 0],
        ],
        [2, 2],
        'int32',
      ),
    ],
    f: (x, i) => tf.gather(x, i, 1),
  },
  {
    name: 'oneHot · x',
    inputs: () => [rand([5, 4], 58), tf.tensor1d([0, 3, 2, 3, 1], 'int32')],
    f: (x, i) => tf.mul(x, tf.oneHot(i as tf.Tensor1D, 4)),
  },
  {
    name: 'mean, sum, max, min over axes',
    inputs: () => [rand([3, 4, 5], 59)],
    f: (x) => tf.add(tf.add(tf.mean(x, [0, 2]), tf.sum(x, [0, 2])), tf.add(tf.max(x, [0, 2]), tf.min(x, 2).sum(0))),
  },
  { name: 'clipByValue', inputs: () => [rand([4, 6], 60, -2, 2)], f: (x) => tf.clipByValue(x, -0.5, 0.7) },
  {
    name: 'where (dropout-style mask)',
    inputs: () => [rand([4, 6], 61)],
    f: (x) => tf.where(tf.greater(tf.tensor(values(24, 62), [4, 6]), 0), tf.mul(x, 2), tf.zerosLike(x)),
  },
];

describe('wasm forward and backward agree with cpu', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectWasmMatchesCpu(c);
  });
});

describe('wasm ops outside tfjs gradient support', () => {
  it('conv2d with dilations: forward agrees with cpu; tfjs-core refuses its gradient on both backends', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const x = rand([2, 9, 10, 3], 70) as tf.Tensor4D;
      const w = rand([3, 2, 3, 4], 71) as tf.Tensor4D;
      const y = tf.conv2d(x, w, 1, 'same', 'NHWC', [2, 3]);
      const out = { shape: y.shape, data: y.dataSync() };
      expect(() => tf.grad((v: tf.Tensor) => tf.conv2d(v as tf.Tensor4D, w, 1, 'same', 'NHWC', 2).sum())(x)).toThrow(
        /dilation/,
      );
      tf.dispose([x, w, y]);
      return out;
    };
    const ref = await run('cpu');
    expectAllClose(await run('wasm'), ref, 'dilated conv2d forward');
  });
});
