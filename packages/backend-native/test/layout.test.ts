import { tf } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { kernelCounts, NATIVE_KERNELS } from '../src/index.js';
import { available, expectSameAsCpu, rand } from './helpers.js';

describe.skipIf(!available)('transpose, sum and broadcasting add/sub/mul on oneDNN match tfjs cpu', () => {
  it.each([
    { shape: [64, 3, 32, 32], perm: [0, 2, 3, 1] },
    { shape: [50, 7, 9, 13], perm: [0, 3, 1, 2] },
    { shape: [300, 500], perm: [1, 0] },
    { shape: [4, 6, 8, 10, 12], perm: [4, 2, 0, 3, 1] },
  ])('transpose $shape by $perm', async ({ shape, perm }) => {
    const before = kernelCounts.Transpose!.native;
    await expectSameAsCpu(
      'transpose',
      () => [rand(shape, 1)],
      (x) => [tf.transpose(x!, perm)],
    );
    expect(kernelCounts.Transpose!.native).toBe(before + 1);
  });

  it.each([
    { shape: [8, 50, 7, 9], axis: [0, 2, 3], keepDims: false },
    { shape: [8, 50, 7, 9], axis: [1], keepDims: true },
    { shape: [131, 137], axis: [0, 1], keepDims: false },
    { shape: [131, 137], axis: -1, keepDims: false },
    { shape: [64, 1000], axis: 0, keepDims: true },
  ])('sum $shape over $axis (keepDims $keepDims)', async ({ shape, axis, keepDims }) => {
    const before = kernelCounts.Sum!.native;
    await expectSameAsCpu(
      'sum',
      () => [rand(shape, 2)],
      (x) => [tf.sum(x!, axis, keepDims)],
    );
    expect(kernelCounts.Sum!.native).toBe(before + 1);
  });

  const shapes: [number[], number[]][] = [
    [
      [40, 50, 16],
      [40, 50, 16],
    ],
    [
      [16, 32, 7, 7],
      [1, 32, 1, 1],
    ],
    [
      [1, 32, 1, 1],
      [16, 32, 7, 7],
    ],
    [[900, 100], [100]],
    [
      [30, 1, 50],
      [400, 1],
    ],
    [[600, 70], []],
    [[], [600, 70]],
  ];
  for (const [op, name] of [
    [tf.add, 'Add'],
    [tf.sub, 'Sub'],
    [tf.mul, 'Multiply'],
  ] as const) {
    it.each(shapes)(`${name} %j with %j`, async (sa, sb) => {
      const counts = kernelCounts[name]!;
      const before = counts.native + counts.fallback;
      await expectSameAsCpu(
        name,
        () => [rand(sa, 3), rand(sb, 4)],
        (a, b) => [op(a!, b!)],
      );
      // broadcasting both ways ([3,1,5] with [4,1]) and a sub whose first operand broadcasts run on cpu
      expect(counts.native + counts.fallback).toBe(before + 1);
    });
  }
});

describe.skipIf(!available)('elementwise kernels on oneDNN match tfjs cpu', () => {
  const ops: [string, (x: tf.Tensor) => tf.Tensor, number][] = [
    ['Sqrt', (x) => tf.sqrt(tf.abs(x)), 0],
    ['Square', tf.square, 0],
    ['Relu', tf.relu, 0],
    ['Abs', tf.abs, 0],
    ['Step', (x) => tf.step(tf.where(tf.greater(x, 0.9), tf.fill(x.shape, Number.NaN), x), 0.25), 0],
    ['Neg', tf.neg, 0],
  ];
  it.each(ops)('%s', async (name, op) => {
    const before = kernelCounts[name]!.native;
    await expectSameAsCpu(
      name,
      () => [rand([70, 13, 29], 14)],
      (x) => [op(x!)],
    );
    expect(kernelCounts[name]!.native).toBe(before + 1);
  });

  it.each([
    [
      [900, 100],
      [900, 100],
    ],
    [[900, 100], [100]],
    [[900, 100], []],
    [[100], [900, 100]],
  ])('RealDiv %j by %j', async (sa, sb) => {
    const counts = kernelCounts.RealDiv!;
    const before = counts.native + counts.fallback;
    // divisors kept away from 0
    await expectSameAsCpu(
      'div',
      () => [rand(sa, 15), tf.add(tf.abs(rand(sb, 16)), 0.5)],
      (a, b) => [tf.div(a!, b!)],
    );
    expect(counts.native + counts.fallback).toBe(before + 1);
  });
});

describe.skipIf(!available)('small tensors, exp and log stay on the cpu kernels', () => {
  it.each([
    ['Add', () => tf.add(rand([20, 30], 1), rand([20, 30], 2))],
    ['Multiply', () => tf.mul(rand([5, 10], 1), rand([10], 2))],
    ['Sum', () => tf.sum(rand([64, 10], 3), 0)],
    ['Relu', () => tf.relu(rand([7, 13, 5], 4))],
    ['Transpose', () => tf.transpose(rand([5, 7, 9, 3], 5), [0, 3, 1, 2])],
  ] as const)('%s below NATIVE_FROM (broadcasting: 64) elements runs the cpu kernel', async (name, run) => {
    await tf.setBackend('native');
    const counts = kernelCounts[name]!;
    const [native, fallback] = [counts.native, counts.fallback];
    tf.tidy(run);
    expect([counts.native, counts.fallback]).toEqual([native, fallback + 1]);
  });

  it("Exp and Log run as tfjs's cpu kernels on native, at any size (oneDNN approximates them)", async () => {
    expect(NATIVE_KERNELS).not.toContain('Exp');
    expect(NATIVE_KERNELS).not.toContain('Log');
    await expectSameAsCpu(
      'exp, log',
      () => [rand([200, 300], 17)],
      (x) => [tf.exp(x!), tf.log(tf.abs(x!))],
      { rtol: 0, atol: 0 },
    );
  });
});

describe.skipIf(!available)('softmax over the last axis', () => {
  it.each([[[64, 10]], [[3, 7, 129]], [[5]]])(
    '%j, with large logits, matches tfjs cpu (forward and gradient)',
    async (shape) => {
      const before = kernelCounts.Softmax!.native;
      await expectSameAsCpu(
        'softmax',
        () => [tf.mul(rand(shape, 31), 30)],
        (x) => [tf.softmax(x!), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.softmax(a), rand(shape, 32))))(x!)],
        { rtol: 1e-5, atol: 1e-7 },
      );
      expect(kernelCounts.Softmax!.native).toBe(before + 2);
    },
  );
});
