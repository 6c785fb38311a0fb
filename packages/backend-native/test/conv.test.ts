import { tf } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { type ConvParams, kernelCounts, nativeAddon } from '../src/index.js';
import { available, expectSameAsCpu, rand } from './helpers.js';

type Pad = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dilations?: [number, number];
}

const cases: Case[] = [
  { x: [2, 9, 7, 3], w: [3, 3, 3, 5], strides: [1, 1], pad: 'valid' },
  { x: [2, 9, 7, 3], w: [3, 3, 3, 5], strides: [2, 1], pad: 'same' },
  { x: [1, 11, 13, 4], w: [5, 5, 4, 6], strides: [2, 3], pad: 'same' },
  {
    x: [3, 8, 8, 32],
    w: [5, 5, 32, 32],
    strides: [1, 1],
    pad: [
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ],
  },
  {
    x: [2, 10, 9, 3],
    w: [3, 2, 3, 7],
    strides: [1, 2],
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [1, 5, 5, 1], w: [5, 5, 1, 1], strides: [1, 1], pad: 'valid' },
  { x: [2, 12, 10, 3], w: [3, 3, 3, 4], strides: [1, 1], pad: 'same', dilations: [2, 2] },
  { x: [2, 12, 10, 3], w: [2, 3, 3, 4], strides: [1, 1], pad: 'valid', dilations: [3, 2] },
];

const name = (c: Case) =>
  `x ${c.x.join('×')}, w ${c.w.join('×')}, stride ${c.strides}, pad ${JSON.stringify(c.pad)}, dilation ${c.dilations ?? [1, 1]}`;

describe.skipIf(!available)('Conv2D on oneDNN matches tfjs cpu', () => {
  it.each(cases)('forward: $x.0 $w.0 … %#', async (c) => {
    const before = kernelCounts.Conv2D!.native;
    await expectSameAsCpu(
      name(c),
      () => [rand(c.x, 1), rand(c.w, 2)],
      (x, w) => [tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? [1, 1])],
    );
    expect(kernelCounts.Conv2D!.native).toBe(before + 1);
  });

  // tfjs differentiates conv2d only without dilation (trainkit's dilated conv is built from pad/reshape/slice).
  it.each(cases.filter((c) => !c.dilations))('backward (input and filter): %#', async (c) => {
    const before = [kernelCounts.Conv2DBackpropInput!.native, kernelCounts.Conv2DBackpropFilter!.native];
    await expectSameAsCpu(
      name(c),
      () => [rand(c.x, 3), rand(c.w, 4)],
      (x, w) => {
        // a non-uniform upstream gradient, so that every position of dy matters
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad)
            .square()
            .sum();
        return tf.grads(f)([x!, w!]);
      },
    );
    expect([kernelCounts.Conv2DBackpropInput!.native, kernelCounts.Conv2DBackpropFilter!.native]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
  });

  it('hands NCHW convolutions to the cpu kernel', async () => {
    const before = kernelCounts.Conv2D!.fallback;
    await expectSameAsCpu(
      'NCHW',
      () => [rand([2, 3, 6, 5], 12), rand([3, 3, 3, 4], 13)],
      (x, w) => [tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NCHW')],
    );
    expect(kernelCounts.Conv2D!.fallback).toBe(before + 1);
  });
});

describe.skipIf(!available)('FusedConv2D (conv + bias + relu) on oneDNN matches tfjs cpu', () => {
  it.each([
    ['linear', true],
    ['relu', true],
    ['linear', false],
  ] as const)('activation %s, bias %s, forward and backward', async (activation, withBias) => {
    const before = kernelCounts.FusedConv2D!.native;
    await expectSameAsCpu(
      `${activation} ${withBias}`,
      () => [rand([2, 9, 8, 3], 20), rand([3, 3, 3, 6], 21), rand([6], 22)],
      (x, w, b) => {
        const f = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
          tf.fused.conv2d({
            x: xi as tf.Tensor4D,
            filter: wi as tf.Tensor4D,
            strides: [2, 1],
            pad: 'same',
            ...(withBias ? { bias: bi } : {}),
            activation,
          });
        const outputs: tf.Tensor[] = [f(x!, w!, b!)];
        // tfjs differentiates the fused conv for the linear activation only
        if (activation === 'linear') {
          const loss = (...args: tf.Tensor[]) =>
            f(args[0] as tf.Tensor4D, args[1] as tf.Tensor4D, (args[2] ?? b!) as tf.Tensor1D)
              .square()
              .sum();
          outputs.push(...tf.grads(loss)(withBias ? [x!, w!, b!] : [x!, w!]));
        }
        return outputs;
      },
    );
    expect(kernelCounts.FusedConv2D!.native).toBeGreaterThan(before);
  });
});

describe.skipIf(!available)('reordered weights are reused only while their buffer holds the same values', () => {
  it('a recycled weight buffer with new values gives the new convolution', async () => {
    await tf.setBackend('native');
    const x = rand([2, 9, 9, 32], 21);
    const run = (seed: number) => {
      // made by a native kernel and over 8,192 floats, so its buffer is recycled for the next weight of this size
      const w = tf.add(rand([3, 3, 32, 32], seed), 0);
      const twice = [
        tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
        tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
      ];
      const values = twice.map((y) => Array.from(y.dataSync()));
      tf.dispose([w, ...twice]);
      return values;
    };
    const [a1, a2] = run(22) as [number[], number[]];
    const [b1, b2] = run(23) as [number[], number[]];
    expect(a2).toEqual(a1);
    expect(b2).toEqual(b1);
    await tf.setBackend('cpu');
    const want = tf.tidy(() =>
      Array.from(tf.conv2d(x as tf.Tensor4D, rand([3, 3, 32, 32], 23) as tf.Tensor4D, 1, 'same').dataSync()),
    );
    const scale = Math.max(...want.map(Math.abs));
    expect(Math.max(...b1.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-5 * scale);
    x.dispose();
  });
});

describe.skipIf(!available)("the addon's convolution parameters", () => {
  it('are read by name: a missing member is named in the error, and a positional array is refused', () => {
    const addon = nativeAddon();
    // a 1×1 filter of 2 over a 3×3 one-channel image
    const params: ConvParams = {
      batch: 1,
      inHeight: 3,
      inWidth: 3,
      inChannels: 1,
      outChannels: 1,
      filterHeight: 1,
      filterWidth: 1,
      outHeight: 3,
      outWidth: 3,
      strideHeight: 1,
      strideWidth: 1,
      dilationHeight: 1,
      dilationWidth: 1,
      padTop: 0,
      padLeft: 0,
      hasBias: false,
      relu: false,
      xBlock: 0,
      dyBlock: 0,
      blockedOut: false,
    };
    const x = Float32Array.from({ length: 9 }, (_, i) => i - 4);
    const y = new Float32Array(9);
    expect(addon.conv2d(x, Float32Array.of(2), y, params)).toBe(0);
    expect(Array.from(y)).toEqual(Array.from(x, (v) => 2 * v));
    const { padLeft: _, ...missing } = params;
    expect(() => addon.conv2d(x, Float32Array.of(2), y, missing as ConvParams)).toThrow(/padLeft/);
    const positional = Int32Array.of(1, 3, 3, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0);
    expect(() => addon.conv2d(x, Float32Array.of(2), y, positional as unknown as ConvParams)).toThrow(/batch/);
  });
});
