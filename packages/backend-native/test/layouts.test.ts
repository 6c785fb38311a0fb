import { tf, useBackend } from '@trainkit/core';
import { CONV2D_BIAS } from '@trainkit/core/kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NativeBackend } from '../src/native-backend.js';
import { available, expectSameAsCpu, rand } from './helpers.js';

/** The buffer behind a tensor on the current backend. */
function buffer(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { data: { get(id: tf.DataId): { values: Float32Array } } };
  return backend.data.get(t.dataId).values;
}

// conv → pool → conv → pool, 32 channels: the CIFAR net's middle, where activations stay channel-blocked
function chain(x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor): tf.Tensor[] {
  const conv1 = tf
    .engine()
    .runKernel(
      CONV2D_BIAS,
      { x, filter: w1, bias: b1 },
      { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] },
    ) as tf.Tensor4D;
  const pool1 = tf.maxPool(conv1, 2, 2, 'valid');
  const conv2 = tf.conv2d(pool1, w2 as tf.Tensor4D, 1, 'same');
  const pool2 = tf.maxPool(conv2, 2, 2, 'valid');
  return [conv1, pool1, conv2, pool2];
}

describe.skipIf(!available)('channel-blocked activations between native kernels', () => {
  beforeAll(async () => {
    await useBackend('cpu'); // core registers its cpu kernels (CONV2D_BIAS among them) when cpu is first chosen
  });

  const inputs = () => [rand([3, 16, 16, 5], 1), rand([3, 3, 5, 32], 2), rand([32], 3), rand([3, 3, 32, 32], 4)];

  it('convolutions and pools hand on blocked buffers where the machine blocks by 8 or 16', async () => {
    await tf.setBackend('native');
    tf.tidy(() => {
      const [x, w1, b1, w2] = inputs();
      const outs = chain(x!, w1!, b1!, w2!);
      const { buffers } = tf.backend() as NativeBackend;
      const blocks = outs.map((t) => buffers.blockOf(buffer(t)));
      // oneDNN picks its layout by ISA: blocked on AVX2 (8) and AVX-512 (16) machines, and then the pools keep it
      expect([0, 8, 16]).toContain(blocks[0]);
      expect(blocks).toEqual(blocks.map(() => blocks[0]));
    });
  });

  it('every way out sees NHWC: dataSync, reshape, slice, transpose, a cpu kernel, a bias gradient', async () => {
    await expectSameAsCpu('blocked exits', inputs, (x, w1, b1, w2) => {
      const [conv1, pool1, conv2, pool2] = chain(x!, w1!, b1!, w2!);
      return [
        conv1!,
        tf.reshape(pool1!, [3, -1]),
        tf.slice(conv2!, [1, 2, 3, 4], [1, 3, 2, 20]),
        tf.transpose(pool2!, [0, 3, 1, 2]),
        tf.transpose(conv2!, [0, 2, 1, 3]),
        tf.cumsum(pool2!, 3),
        tf.sum(conv2!, [0, 1, 2]),
        tf.sum(conv2!, [0, 3]),
        tf.add(conv2!, rand([32], 5)),
        tf.mul(conv2!, conv2!),
        tf.relu(conv1!),
      ];
    });
  });

  it('the training step’s gradients through blocked activations equal the cpu kernels’', async () => {
    await expectSameAsCpu('blocked gradients', inputs, (x, w1, b1, w2) => {
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        const [, , , pool2] = chain(x!, a, b, c);
        return tf.sum(tf.mul(pool2!, tf.range(1, pool2!.size + 1).reshape(pool2!.shape)));
      };
      return tf.grads(loss)([w1!, b1!, w2!]);
    });
  });
});
