// Convolutions of integer tensors, as PyTorch runs the tutorial's conv2d walkthrough on int64 input and kernel; the
// expected values are what PyTorch 1.13 printed for the same calls.
import { beforeAll, describe, expect, it } from 'vitest';
import { nn, tf, useBackend } from '../src/index.js';

const F = nn.functional;
// the seed's 5×5 input and 3×3 kernel
const input = () =>
  tf.tensor([1, 2, 0, 3, 1, 0, 1, 2, 3, 1, 1, 2, 1, 0, 0, 5, 2, 3, 1, 1, 2, 1, 0, 1, 1], [1, 1, 5, 5], 'int32');
const kernel = () => tf.tensor([1, 2, 1, 0, 1, 0, 2, 1, 0], [1, 1, 3, 3], 'int32');

beforeAll(async () => {
  await useBackend('cpu');
});

describe('integer convolutions', () => {
  it('conv2d of int32 input and kernel is int32, with PyTorch values for stride 1, 2 and padding 1', () => {
    const [x, k] = [input(), kernel()];
    const y = F.conv2d(x, k);
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect(Array.from(y.dataSync())).toEqual([10, 12, 12, 18, 16, 16, 13, 9, 3]);
    expect(Array.from(F.conv2d(x, k, null, { stride: 2 }).dataSync())).toEqual([10, 12, 13, 3]);
    expect(Array.from(F.conv2d(x, k, null, { padding: 1 }).dataSync())).toEqual([
      1, 3, 4, 10, 8, 5, 10, 12, 12, 6, 7, 18, 16, 16, 8, 11, 13, 9, 3, 4, 14, 13, 9, 7, 4,
    ]);
    const c1 = F.conv1d(
      tf.tensor([[[1, 2, 3, 4, 5]]], undefined, 'int32'),
      tf.tensor([[[1, 0, -1]]], undefined, 'int32'),
    );
    expect(c1.dtype).toBe('int32');
    expect(Array.from(c1.dataSync())).toEqual([-2, -2, -2]);
  });

  it("refuses mixed dtypes with PyTorch's message, naming both", () => {
    const [x, k] = [input(), kernel()];
    expect(() => F.conv2d(x, tf.cast(k, 'float32'))).toThrow(
      /conv2d: expected scalar type Long but found Float \(input int32, weight float32/,
    );
    expect(() => F.conv2d(tf.cast(x, 'float32'), k)).toThrow(/expected scalar type Float but found Long/);
    // a layer's weights are float32: the error names the layer
    expect(() => new nn.Conv2d(1, 1, 3).call(x)).toThrow(/Conv2d.*expected scalar type Long but found Float/);
  });
});
