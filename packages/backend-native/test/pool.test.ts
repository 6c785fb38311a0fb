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
