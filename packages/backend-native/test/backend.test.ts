import { tf, useBackend } from '@trainkit/core';
import {
  ADAM_UPDATE,
  BATCH_NORM_GRAD_INPUT,
  BATCH_NORM_GRAD_WEIGHT,
  BATCH_NORM_TRAIN,
  CONV2D_BACKPROP_FILTER_BIAS,
  CONV2D_BIAS,
  CROSS_ENTROPY,
  CROSS_ENTROPY_GRAD,
  LINEAR_BIAS,
  SGD_UPDATE,
} from '@trainkit/core/kernels';
import { describe, expect, it } from 'vitest';
import { NATIVE_KERNELS, nativeStatus } from '../src/index.js';
import { available, status } from './helpers.js';

describe('nativeStatus', () => {
  it('says whether the addon loads, and why not with what to run', () => {
    expect(nativeStatus()).toBe(status);
    if (status.available) expect(status.reason).toMatch(/^oneDNN \d+\.\d+\.\d+$/);
    else
      expect(status.reason).toMatch(/pnpm --filter @trainkit\/backend-native run build:addon|TRAINKIT_DISABLE_NATIVE/);
  });
});

describe.skipIf(!available)("the 'native' backend", () => {
  it('has every cpu kernel, and oneDNN ones for the hot kernels', () => {
    const cpu = tf
      .getKernelsForBackend('cpu')
      .map((k) => k.kernelName)
      .sort();
    const native = tf
      .getKernelsForBackend('native')
      .map((k) => k.kernelName)
      .sort();
    // and core's own kernels (fused optimizer updates, conv2d + bias and its gradients), which reach the cpu backend
    // only when core first chooses it or an optimizer first steps there
    const extra: string[] = [
      ADAM_UPDATE,
      SGD_UPDATE,
      CONV2D_BIAS,
      CONV2D_BACKPROP_FILTER_BIAS,
      LINEAR_BIAS,
      CROSS_ENTROPY,
      CROSS_ENTROPY_GRAD,
      BATCH_NORM_TRAIN,
      BATCH_NORM_GRAD_INPUT,
      BATCH_NORM_GRAD_WEIGHT,
    ];
    expect(native.filter((k) => !extra.includes(k))).toEqual(cpu.filter((k) => !extra.includes(k)));
    for (const name of extra) expect(native).toContain(name);
    for (const name of NATIVE_KERNELS) {
      expect(tf.getKernel(name, 'native')!.kernelFunc, name).not.toBe(tf.getKernel(name, 'cpu')?.kernelFunc);
    }
  });

  it("is what useBackend('native') and 'auto' choose (no tfjs-node here)", async () => {
    expect((await useBackend('native')).name).toBe('native');
    expect(tf.getBackend()).toBe('native');
    const info = await useBackend('auto');
    expect(info.name).toBe('native');
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
  });
});
