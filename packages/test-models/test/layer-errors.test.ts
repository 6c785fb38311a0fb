import { F, nn, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tudui } from '../src/index.js';

class Net extends nn.Module {
  seq = tudui();
  forward(x: tf.Tensor): tf.Tensor {
    return this.seq.call(x);
  }
}

/** The error a call throws, so its class and message can both be checked. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('layer errors name the layer, its path and the shapes', () => {
  const net = new Net();

  it('Linear after a Flatten of the wrong image size', () => {
    const err = thrown(() => net.call(tf.zeros([2, 3, 64, 64])));
    expect(err).toBeInstanceOf(nn.ModuleError);
    expect(err.message).toBe("Linear 'seq.7': expected input [*, 1024], got [2, 4096]");
  });

  it('Conv2d with the wrong channel count or rank', () => {
    expect(thrown(() => net.call(tf.zeros([2, 1, 32, 32]))).message).toBe(
      "Conv2d 'seq.0': expected input [N, 3, H, W] or [3, H, W], got [2, 1, 32, 32]",
    );
    expect(thrown(() => net.call(tf.zeros([3, 32]))).message).toBe(
      "Conv2d 'seq.0': expected input [N, 3, H, W] or [3, H, W], got [3, 32]",
    );
  });

  it('Conv2d with a kernel larger than the padded input', () => {
    const seq = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.Conv2d(4, 4, 5, { dilation: 2, padding: 1 }));
    expect(thrown(() => seq.call(tf.zeros([1, 3, 2, 6]))).message).toBe(
      "Conv2d '0': kernel (3, 3) is larger than the padded input (2, 6) (input [1, 3, 2, 6], padding (0, 0))",
    );
    expect(thrown(() => seq.call(tf.zeros([1, 3, 8, 8]))).message).toBe(
      "Conv2d '1': kernel (5, 5) dilated to (9, 9) is larger than the padded input (8, 8) (input [1, 4, 6, 6], padding (1, 1))",
    );
    expect(seq.call(tf.zeros([1, 3, 9, 9])).shape).toEqual([1, 4, 1, 1]);
  });

  it('pools too large for their input, BatchNorm with the wrong channels or one value per channel', () => {
    const seq = new nn.Sequential(new nn.MaxPool2d(3), new nn.BatchNorm2d(4), new nn.Flatten(2, 5));
    expect(thrown(() => seq.call(tf.zeros([1, 4, 2, 2]))).message).toBe(
      "MaxPool2d '0': input [1, 4, 2, 2] is too small for kernel (3, 3) with padding (0, 0): output would be (0, 0)",
    );
    expect(thrown(() => seq.call(tf.zeros([1, 3, 6, 6]))).message).toBe(
      "BatchNorm2d '1': expected input [N, 4, H, W], got [1, 3, 2, 2]",
    );
    expect(thrown(() => seq.call(tf.zeros([1, 4, 3, 3]))).message).toBe(
      "BatchNorm2d '1': expected more than 1 value per channel when training, got input [1, 4, 1, 1]",
    );
    seq.eval();
    expect(thrown(() => seq.call(tf.zeros([1, 4, 3, 3]))).message).toBe(
      "Flatten '2': dimension out of range (expected to be in range of [-4, 3], but got 5)",
    );
    expect(
      thrown(() => new nn.Sequential(new nn.AvgPool2d(2, { padding: 2 })).call(tf.zeros([1, 1, 4, 4]))).message,
    ).toBe("AvgPool2d '0': padding should be at most half of kernel size, got padding (2, 2) for kernel (2, 2)");
  });

  it('functional forms name the function', () => {
    const w = tf.zeros([4, 3, 3, 3]);
    expect(() => F.conv2d(tf.zeros([1, 2, 5, 5]), w)).toThrow(
      'conv2d: expected input [N, 3, H, W] or [3, H, W], got [1, 2, 5, 5]',
    );
    expect(() => F.conv2d(tf.zeros([1, 3, 5, 5]), w, tf.zeros([3]))).toThrow('conv2d: expected bias [4], got [3]');
    expect(() => F.conv2d(tf.zeros([1, 3, 5, 5]), w, null, { stride: 2, padding: 'same' })).toThrow(
      "conv2d: padding='same' is not supported for strided convolutions (stride (2, 2))",
    );
    expect(() => F.conv1d(tf.zeros([1, 3, 5]), tf.zeros([4, 3, 3, 3]))).toThrow(
      'conv1d: expected weight [out_channels, in_channels/groups, kL], got [4, 3, 3, 3]',
    );
    expect(() => F.linear(tf.zeros([2, 5]), tf.zeros([3, 4]))).toThrow('linear: expected input [*, 4], got [2, 5]');
    expect(() => F.softmax(tf.zeros([2, 5]), 2)).toThrow('softmax: dimension out of range');
    expect(() => F.batchNorm(tf.zeros([2, 3]), null, null)).toThrow(
      'batch_norm: running_mean and running_var must be given',
    );
    expect(() => F.batchNorm(tf.ones([2, 3]), tf.zeros([3]), tf.ones([3]), { training: true })).toThrow(
      'running_mean is updated in place and must be a tf.Variable',
    );
    expect(() => F.dropout(tf.zeros([2]), 1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
  });

  it('constructors reject what PyTorch rejects', () => {
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow('Conv2d: in_channels 3 must be divisible by groups 2');
    expect(() => new nn.Conv2d(4, 6, 3, { groups: 4 })).toThrow('Conv2d: out_channels 6 must be divisible by groups 4');
    expect(() => new nn.Conv2d(3, 4, 3, { stride: 2, padding: 'same' })).toThrow(
      "Conv2d: padding='same' is not supported for strided convolutions",
    );
    expect(() => new nn.Conv2d(3, 4, 3, { padding: 'full' as 'same' })).toThrow(
      "Conv2d: invalid padding string 'full'",
    );
    expect(() => new nn.Conv2d(3, 4, [3, 3, 3] as unknown as [number, number])).toThrow(
      'Conv2d kernel_size: expected an integer or 2 integers, got [3,3,3]',
    );
    expect(() => new nn.Conv2d(3, 4, 3, { paddingMode: 'reflect' as 'zeros' })).toThrow(
      "Conv2d: padding_mode 'reflect' is not supported, only 'zeros'",
    );
    expect(() => new nn.Dropout(-0.1)).toThrow('dropout probability has to be between 0 and 1, but got -0.1');
    expect(() => new nn.GELU('erf' as 'none')).toThrow("GELU: approximate must be 'none' or 'tanh', got 'erf'");
  });
});
