import { tf, useBackend } from '@trainkit/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NCHW, NHWC, nchwOnHost } from '../../core/test/helpers/layout-perms.js';
import type { NativeBackend } from '../src/native-backend.js';
import { available, rand } from './helpers.js';

const buffers = () => (tf.findBackend('native') as NativeBackend).buffers;
// [8, 16, 16, 32]: 65,536 floats, above the size from which native transposes and outputs are recycled
const SHAPE = [8, 16, 16, 32];

/** Counts the deferred transposes that were computed (BufferStore.defer's fill ran). */
function countFills(): { filled: number } {
  const store = buffers();
  const defer = store.defer.bind(store);
  const count = { filled: 0 };
  vi.spyOn(store, 'defer').mockImplementation((values, source, fill) =>
    defer(values, source, () => {
      count.filled++;
      fill();
    }),
  );
  return count;
}

describe.skipIf(!available)('deferred transposes on native', () => {
  beforeAll(async () => {
    await useBackend('native'); // with core's transpose elision, as every program gets it
  });
  afterEach(() => vi.restoreAllMocks());

  it('a transpose is computed when it is read, with the values tfjs gives', () => {
    const count = countFills();
    const x = rand(SHAPE, 1);
    const expected = nchwOnHost(x);
    const y = tf.transpose(x, NCHW);
    const filledBefore = count.filled;
    expect(Array.from(y.dataSync())).toEqual(expected);
    expect(count.filled).toBe(filledBefore + 1);
    tf.dispose([x, y]);
  });

  it('its input disposed first (and outputs of its size made meanwhile) leaves the values right', () => {
    const x = rand(SHAPE, 2);
    const expected = nchwOnHost(x);
    const y = tf.transpose(x, NCHW);
    x.dispose();
    // outputs of x's size that would take its memory if it were recycled while y still has to read it
    const others = Array.from({ length: 4 }, (_, i) => tf.mul(rand(SHAPE, 10 + i), 3));
    expect(Array.from(y.dataSync())).toEqual(expected);
    tf.dispose([y, ...others]);
  });

  it('a transpose undone by the next one is never computed: the pair hands back the input', () => {
    const count = countFills();
    const x = rand(SHAPE, 3);
    const before = tf.memory().numTensors;
    const back = tf.tidy(() => tf.transpose(tf.transpose(x, NCHW), NHWC));
    expect(back.dataId).toBe(x.dataId);
    expect(count.filled).toBe(0);
    expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('a chain of NCHW layers computes only the input’s NHWC copy and the activation a caller reads', () => {
    const count = countFills();
    const x = rand([8, 3, 16, 16], 4);
    const w1 = rand([3, 3, 3, 16], 5);
    const w2 = rand([3, 3, 16, 16], 6);
    // what nn's NCHW Conv2d / MaxPool2d do: transpose in, NHWC kernel, transpose out
    const layer = (h: tf.Tensor4D, f: (hn: tf.Tensor4D) => tf.Tensor4D) =>
      tf.transpose(f(tf.transpose(h, NHWC) as tf.Tensor4D), NCHW) as tf.Tensor4D;
    const out = tf.tidy(() => {
      const a = layer(x as tf.Tensor4D, (h) => tf.relu(tf.conv2d(h, w1 as tf.Tensor4D, 1, 'same')));
      const b = layer(a, (h) => tf.maxPool(h, 2, 2, 'valid'));
      return layer(b, (h) => tf.conv2d(h, w2 as tf.Tensor4D, 1, 'same'));
    });
    const filledBeforeRead = count.filled;
    out.dataSync();
    expect(filledBeforeRead).toBe(1); // x's NHWC copy, which the first convolution reads
    expect(count.filled).toBe(2); // and the output, once read
    tf.dispose([x, w1, w2, out]);
  });
});
