import { tf } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { kernelCounts } from '../src/index.js';
import { available, expectSameAsCpu, rand } from './helpers.js';

// tfjs's own BatchMatMul gradient does not reduce broadcast batch dims (on every backend), so cases whose batches
// broadcast check the forward only.
const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean; forwardOnly?: boolean }[] = [
  { a: [17, 33], b: [33, 9], ta: false, tb: false },
  { a: [33, 17], b: [33, 9], ta: true, tb: false },
  { a: [17, 33], b: [9, 33], ta: false, tb: true },
  { a: [33, 17], b: [9, 33], ta: true, tb: true },
  { a: [3, 5, 7], b: [3, 7, 4], ta: false, tb: false },
  { a: [2, 3, 5, 7], b: [7, 4], ta: false, tb: false, forwardOnly: true },
  { a: [2, 7, 5], b: [1, 4, 7], ta: true, tb: true, forwardOnly: true },
  { a: [1, 5, 7], b: [3, 7, 4], ta: false, tb: false, forwardOnly: true },
  { a: [64, 1024], b: [64, 1024], ta: false, tb: true },
];

describe.skipIf(!available)('MatMul on oneDNN matches tfjs cpu', () => {
  it.each(cases)('a $a (transposed: $ta) · b $b (transposed: $tb), gradients unless $forwardOnly', async (c) => {
    const before = kernelCounts.BatchMatMul!.native;
    await expectSameAsCpu(
      JSON.stringify(c),
      () => [rand(c.a, 7), rand(c.b, 8)],
      (a, b) => {
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.ta, c.tb);
        if (c.forwardOnly) return [f(a!, b!)];
        return [f(a!, b!), ...tf.grads((x: tf.Tensor, y: tf.Tensor) => f(x, y).square().sum())([a!, b!])];
      },
    );
    expect(kernelCounts.BatchMatMul!.native).toBeGreaterThanOrEqual(before + (c.forwardOnly ? 1 : 3));
  });

  it.each(['linear', 'relu'] as const)('fused matmul + bias + %s', async (activation) => {
    const before = kernelCounts._FusedMatMul!.native;
    await expectSameAsCpu(
      activation,
      () => [rand([6, 11], 9), rand([5, 11], 10), rand([5], 11)],
      (a, b, bias) => [tf.fused.matMul({ a: a!, b: b!, transposeB: true, bias, activation })],
    );
    expect(kernelCounts._FusedMatMul!.native).toBe(before + 1);
  });
});
