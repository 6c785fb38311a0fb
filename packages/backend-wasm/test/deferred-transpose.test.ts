import { tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NCHW, NHWC, nchwOnHost } from '../../core/test/helpers/layout-perms.js';

// [8, 16, 16, 32]: 65,536 floats, above the size from which wasm defers a transpose
const SHAPE = [8, 16, 16, 32];

const rand = (seed: number) => tf.randomUniform(SHAPE, -1, 1, 'float32', seed);

describe('deferred transposes on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm'); // with core's transpose elision, as every program gets it
  });

  it('a transpose read later has the values of the transpose', () => {
    const x = rand(1);
    const y = tf.transpose(x, NCHW);
    expect(Array.from(y.dataSync())).toEqual(nchwOnHost(x));
    tf.dispose([x, y]);
  });

  it('its input disposed first (and tensors of its size made meanwhile) leaves the values right', () => {
    const x = rand(2);
    const expected = nchwOnHost(x);
    const y = tf.transpose(x, NCHW);
    x.dispose();
    const others = Array.from({ length: 4 }, (_, i) => tf.mul(rand(10 + i), 3));
    expect(Array.from(y.dataSync())).toEqual(expected);
    tf.dispose([y, ...others]);
  });

  it('a kernel reading a deferred transpose sees its values (here a sum per channel)', () => {
    const x = rand(3);
    const expected = tf.tidy(() => Array.from(tf.sum(x, [0, 1, 2]).dataSync()));
    const got = tf.tidy(() => Array.from(tf.sum(tf.transpose(x, NCHW), [0, 2, 3]).dataSync()));
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 3);
    });
    x.dispose();
  });

  it('a transpose undone by the next one hands back the input, and nothing stays behind', () => {
    const x = rand(4);
    const back = tf.tidy(() => tf.transpose(tf.transpose(x, NCHW), NHWC));
    expect(back.dataId).toBe(x.dataId);
    expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    back.dispose();
    // an unread transpose, freed, leaves no tensor or buffer behind
    const { numTensors, numDataBuffers } = tf.memory();
    tf.tidy(() => {
      tf.transpose(x, NCHW);
    });
    expect(tf.memory()).toMatchObject({ numTensors, numDataBuffers });
    x.dispose();
  });

  it('weight gradients through transposes match cpu (the conv layer’s OIHW ↔ HWIO)', async () => {
    const grads = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      return tf.tidy(() => {
        const w = tf.randomNormal([16, 8, 3, 3], 0, 1, 'float32', 5);
        const x = tf.randomNormal([4, 12, 12, 8], 0, 1, 'float32', 6);
        const f = (wt: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, tf.transpose(wt, [2, 3, 1, 0]) as tf.Tensor4D, 1, 'same')));
        return Array.from(tf.grad(f)(w).dataSync());
      });
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    wasm.forEach((v, i) => {
      expect(v).toBeCloseTo(cpu[i]!, 1);
    });
  });
});
