import { tf } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { kernelCounts } from '../src/index.js';
import { available, expectSameAsCpu, rand } from './helpers.js';

interface Case {
  x: [number, number, number, number];
  size: [number, number];
  strides: [number, number];
  pad: 'valid' | 'same' | number;
}

const cases: Case[] = [
  { x: [2, 8, 8, 3], size: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [2, 9, 7, 5], size: [3, 3], strides: [2, 2], pad: 'same' },
  { x: [1, 11, 13, 4], size: [3, 2], strides: [1, 2], pad: 'valid' },
  { x: [3, 7, 7, 2], size: [3, 3], strides: [1, 1], pad: 1 },
  { x: [2, 32, 32, 32], size: [2, 2], strides: [2, 2], pad: 'valid' },
  // windows that tile part of the input: the last row and column get no gradient
  { x: [2, 9, 7, 37], size: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [3, 9, 9, 16], size: [3, 3], strides: [3, 3], pad: 'valid' },
  // stride = kernel, but 'same' pads the bottom and right: not the tiled path
  { x: [2, 5, 5, 3], size: [2, 2], strides: [2, 2], pad: 'same' },
];

const kinds = [
  { kind: 'max', op: tf.maxPool, forward: 'MaxPool', backward: 'MaxPoolGrad' },
  { kind: 'avg', op: tf.avgPool, forward: 'AvgPool', backward: 'AvgPoolGrad' },
] as const;

describe.skipIf(!available)('pooling on oneDNN matches tfjs cpu', () => {
  for (const k of kinds) {
    it.each(cases)(`${k.kind} pool forward and backward: x $x, size $size, strides $strides, pad $pad`, async (c) => {
      const before = [kernelCounts[k.forward]!.native, kernelCounts[k.backward]!.native];
      await expectSameAsCpu(
        `${k.kind} ${JSON.stringify(c)}`,
        () => [rand(c.x, 5)],
        (x) => {
          const f = (a: tf.Tensor) => k.op(a as tf.Tensor4D, c.size, c.strides, c.pad as 'valid');
          const weights = rand(f(x!).shape, 6); // a non-uniform upstream gradient
          return [f(x!), tf.grad((a: tf.Tensor) => f(a).mul(weights).sum())(x!)];
        },
      );
      expect(kernelCounts[k.forward]!.native).toBeGreaterThan(before[0]!);
      expect(kernelCounts[k.backward]!.native).toBe(before[1]! + 1);
    });
  }
});

describe.skipIf(!available)('max-pool gradient on ties and NaN', () => {
  it.each([
    [2, 2],
    [3, 2],
  ])('%i×%i windows: the first maximum of a window takes the gradient, as tfjs cpu', async (kh, kw) => {
    await expectSameAsCpu(
      'max pool ties',
      // values on a coarse grid, so windows often hold equal maxima; a NaN first in one window and later in another
      () => {
        const v = tf
          .round(tf.mul(rand([2, 6, 6, 19], 9), 2))
          .dataSync()
          .slice();
        v[0] = Number.NaN;
        v[19 * 7 + 3] = Number.NaN;
        return [tf.tensor4d(v, [2, 6, 6, 19])];
      },
      (x) => {
        const f = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, [kh, kw], [kh, kw], 'valid');
        const weights = rand(f(x!).shape, 10);
        return [tf.grad((a: tf.Tensor) => f(a).mul(weights).sum())(x!)];
      },
    );
  });
});
