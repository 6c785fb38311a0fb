import { tf } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import type { NativeBackend } from '../src/native-backend.js';
import { available, rand } from './helpers.js';

/** The buffer behind a tensor on the current backend. */
function buffer(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { data: { get(id: tf.DataId): { values: Float32Array } } };
  return backend.data.get(t.dataId).values;
}

/** The native backend's store of buffers. */
const buffers = () => (tf.findBackend('native') as NativeBackend).buffers;

// 64 × 256 floats: above the 8,192 from which outputs are recycled, and a size no other test here uses
const SHAPE = [64, 256];

describe.skipIf(!available)('recycled kernel outputs', () => {
  it('a disposed output serves the next output of its size', async () => {
    await tf.setBackend('native');
    const a = rand(SHAPE, 1);
    const first = tf.relu(a);
    const memory = buffer(first);
    first.dispose();
    expect(buffers().recycleStats().arrays).toBeGreaterThan(0);
    const second = tf.neg(a);
    expect(buffer(second)).toBe(memory);
    tf.dispose([a, second]);
  });

  it('never reuses what dataSync handed out: the caller’s array keeps its values', async () => {
    await tf.setBackend('native');
    const a = rand(SHAPE, 2);
    const y = tf.relu(a);
    const seen = y.dataSync() as Float32Array;
    const copy = seen.slice();
    y.dispose();
    // as many same-size outputs as could take it
    const later = Array.from({ length: 4 }, (_, i) => tf.mul(a, i + 2));
    expect(later.map(buffer)).not.toContain(seen);
    expect(Array.from(seen)).toEqual(Array.from(copy));
    tf.dispose([a, ...later]);
  });

  it('never reuses a buffer that a live view still shares (tfjs cpu Slice returns subarrays)', async () => {
    await tf.setBackend('native');
    const a = rand(SHAPE, 3);
    const y = tf.relu(a);
    const view = tf.slice(y, [1, 0], [2, 256]);
    const before = Array.from(view.dataSync());
    y.dispose();
    const later = Array.from({ length: 4 }, (_, i) => tf.mul(a, i + 2));
    expect(Array.from(view.dataSync())).toEqual(before);
    tf.dispose([a, view, ...later]);
  });

  it('take hands out uninitialised arrays of the asked length', async () => {
    await tf.setBackend('native');
    expect(buffers().take(10).length).toBe(10);
    expect(buffers().take(SHAPE[0]! * SHAPE[1]!).length).toBe(SHAPE[0]! * SHAPE[1]!);
  });
});
