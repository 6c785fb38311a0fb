// trainkit's cpu kernels against tfjs-backend-cpu's own, called one by one through the engine.
import { beforeAll, describe, expect, it } from 'vitest';
import { F, tf, useBackend } from '../src/index.js';
import {
  BATCH_NORM_GRAD_INPUT,
  BATCH_NORM_GRAD_WEIGHT,
  BATCH_NORM_TRAIN,
  CONV2D_BACKPROP_FILTER_BIAS,
  CONV2D_BIAS,
  CROSS_ENTROPY,
  CROSS_ENTROPY_GRAD,
  LINEAR_BIAS,
  registerCpuKernels,
  registeredCpuKernels,
  unregisterCpuKernels,
} from '../src/kernels/index.js';
import { expectAllClose, rand } from './wasm-kernels-compare.js';

type Pad = 'valid' | 'same' | number | number[][];

const configs: { x: number[]; f: number[]; s: number | [number, number]; pad: Pad; round?: 'ceil' | 'floor' }[] = [
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'valid' },
  { x: [2, 8, 9, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
  { x: [2, 9, 8, 2], f: [4, 3, 2, 3], s: [2, 1], pad: 'valid' },
  {
    x: [1, 10, 11, 3],
    f: [5, 5, 3, 2],
    s: [2, 3],
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  },
  { x: [2, 11, 11, 3], f: [3, 3, 3, 4], s: 3, pad: 'valid' },
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 4 },
  { x: [2, 8, 7, 3], f: [3, 3, 3, 2], s: 2, pad: 1, round: 'ceil' },
  { x: [1, 1, 1, 3], f: [1, 1, 3, 2], s: 1, pad: 'valid' },
  { x: [3, 12, 12, 6], f: [5, 5, 6, 7], s: 1, pad: 2 },
];

function run(c: (typeof configs)[number]): { shape: number[]; data: Float32Array } {
  const info = tf.backend_util.computeConv2DInfo(c.x as never, c.f as never, c.s, 1, c.pad as never, c.round);
  const x = rand(c.x, 1);
  const dy = rand(info.outShape, 2);
  const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
    strides: c.s,
    pad: c.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: c.round,
    filterShape: c.f,
  } as never) as tf.Tensor;
  const out = { shape: dw.shape, data: dw.dataSync() as Float32Array };
  tf.dispose([x, dy, dw]);
  return out;
}

describe("trainkit's cpu kernels", () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('are registered once the cpu backend is chosen', () => {
    expect(registeredCpuKernels()).toEqual([
      tf.Conv2DBackpropFilter,
      CONV2D_BIAS,
      CONV2D_BACKPROP_FILTER_BIAS,
      LINEAR_BIAS,
      CROSS_ENTROPY,
      CROSS_ENTROPY_GRAD,
      BATCH_NORM_TRAIN,
      BATCH_NORM_GRAD_INPUT,
      BATCH_NORM_GRAD_WEIGHT,
    ]);
  });

  it.each(configs.map((c) => [JSON.stringify(c), c] as const))('Conv2DBackpropFilter %s matches tfjs’s', (_l, c) => {
    const ours = run(c);
    unregisterCpuKernels();
    try {
      expect(registeredCpuKernels()).toEqual([]);
      expectAllClose(ours, run(c), `Conv2DBackpropFilter ${JSON.stringify(c)}`);
    } finally {
      registerCpuKernels();
    }
  });

  it("gives F.conv2d's weight gradient (stride, padding, dilation, groups) as tfjs's own kernel does", () => {
    const x = rand([2, 4, 11, 10], 5);
    const w = rand([6, 2, 3, 2], 6);
    const weightGrad = () =>
      tf.grad((wt: tf.Tensor) =>
        tf.sum(tf.square(F.conv2d(x, wt, null, { stride: [2, 1], padding: [1, 2], dilation: [2, 1], groups: 2 }))),
      )(w);
    const ours = weightGrad();
    unregisterCpuKernels();
    const stock = weightGrad();
    registerCpuKernels();
    const out = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() as Float32Array });
    expectAllClose(out(ours), out(stock), 'conv2d weight gradient');
    tf.dispose([x, w, ours, stock]);
  });
});
