import { nn, optim, tf } from '@trainkit/core';
import { ADAM_UPDATE, type AdamUpdateAttrs, SGD_UPDATE, type SGDUpdateAttrs } from '@trainkit/core/kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { available, rand } from './helpers.js';

/** Runs a fused update kernel on `backend` with the same inputs and returns its outputs' values. */
async function update(backend: string, name: string, inputs: () => Record<string, tf.Tensor>, attrs: object) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const outs = tf.engine().runKernel(name, inputs(), attrs as tf.NamedAttrMap) as unknown as tf.Tensor[];
    return outs.map((t) => Array.from(t.dataSync()));
  });
}

/** Values with the awkward cases in: a NaN, infinities, zeros and a denormal among random ones. */
function awkward(n: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const v = rand([n], seed).dataSync().slice();
    v.set([Number.NaN, Number.POSITIVE_INFINITY, 0, -0, 1e-40], 3);
    return tf.tensor1d(v);
  });
}

// 70,001 elements: the OpenMP split (from 65,536) and every vector width's scalar tail run
const N = 70_001;

describe.skipIf(!available)('fused optimizer updates on native round exactly as core’s cpu kernels', () => {
  beforeAll(async () => {
    // core registers its cpu update kernels when an optimizer first steps
    await tf.setBackend('cpu');
    const p = new nn.Parameter(tf.ones([2]));
    p.grad = tf.ones([2]);
    new optim.SGD([p], { lr: 0.1 }).step();
    new optim.Adam([p]).step();
    p.dispose();
  });

  const adamCases: [string, Partial<AdamUpdateAttrs>][] = [
    ['Adam', {}],
    ['Adam, L2 weight decay, maximize, amsgrad', { weightDecay: 0.1, maximize: true, amsgrad: true }],
    ['AdamW', { weightDecay: 0.01, decoupled: true, beta1: 0.8, beta2: 0.95, eps: 1e-6 }],
  ];
  it.each(adamCases)('%s', async (_, extra) => {
    const attrs: AdamUpdateAttrs = {
      lr: 0.003,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
      step: 7,
      amsgrad: false,
      maximize: false,
      decoupled: false,
      ...extra,
    };
    const inputs = () => ({
      param: rand([N], 1),
      grad: awkward(N, 2),
      expAvg: rand([N], 3),
      expAvgSq: tf.abs(rand([N], 4)),
      ...(attrs.amsgrad ? { maxExpAvgSq: tf.abs(rand([N], 5)) } : {}),
    });
    const cpu = await update('cpu', ADAM_UPDATE, inputs, attrs);
    const native = await update('native', ADAM_UPDATE, inputs, attrs);
    expect(native.length).toBe(attrs.amsgrad ? 4 : 3);
    for (const [k, values] of native.entries()) expect(values, `output ${k}`).toEqual(cpu[k]);
  });

  const sgdCases: [string, Partial<SGDUpdateAttrs>, boolean][] = [
    ['plain SGD', {}, false],
    ['momentum, first step (no buffer yet)', { momentum: 0.9 }, false],
    ['momentum, dampening, weight decay', { momentum: 0.9, dampening: 0.2, weightDecay: 0.01 }, true],
    ['nesterov, maximize', { momentum: 0.8, nesterov: true, maximize: true }, true],
  ];
  it.each(sgdCases)('SGD: %s', async (_, extra, withBuffer) => {
    const attrs: SGDUpdateAttrs = {
      lr: 0.05,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      ...extra,
    };
    const inputs = () => ({
      param: rand([N], 6),
      grad: awkward(N, 7),
      ...(withBuffer ? { momentumBuffer: rand([N], 8) } : {}),
    });
    const cpu = await update('cpu', SGD_UPDATE, inputs, attrs);
    const native = await update('native', SGD_UPDATE, inputs, attrs);
    expect(native.length).toBe(attrs.momentum !== 0 ? 2 : 1);
    for (const [k, values] of native.entries()) expect(values, `output ${k}`).toEqual(cpu[k]);
  });

  it('names the kernel and the fault for inputs it cannot take', async () => {
    await tf.setBackend('native');
    expect(() =>
      tf.tidy(() =>
        tf.engine().runKernel(SGD_UPDATE, { param: tf.ones([4], 'int32'), grad: tf.ones([4]) }, {
          lr: 0.1,
          momentum: 0,
        } as unknown as tf.NamedAttrMap),
      ),
    ).toThrow(/TrainkitSGDUpdate on native: missing or non-float32 inputs/);
  });
});
