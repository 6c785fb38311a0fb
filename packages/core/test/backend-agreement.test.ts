import { describe, expect, it } from 'vitest';
import { candidates, tf, useBackend } from '../src/index.js';

// Every backend that loads here must compute the same conv2d and matmul as tfjs's reference cpu kernels.
async function run(backend: 'wasm' | 'cpu'): Promise<{ conv: Float32Array; mm: Float32Array }> {
  await useBackend(backend);
  return tf.tidy(() => {
    const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
    const x = rand([2, 9, 7, 3], 1);
    const w = rand([3, 3, 3, 5], 2);
    const conv = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [2, 1], [
      [1, 1],
      [0, 2],
      [0, 0],
      [0, 0],
    ] as never);
    const a = rand([17, 33], 3);
    const b = rand([33, 9], 4);
    return { conv: conv.dataSync() as Float32Array, mm: tf.matMul(a, b).dataSync() as Float32Array };
  });
}

describe('backends agree', () => {
  it('conv2d and matmul on wasm match cpu within 1e-5', async () => {
    const loadable: ('wasm' | 'cpu')[] = [];
    for (const c of candidates) {
      if (c.name !== 'wasm' && c.name !== 'cpu') continue;
      try {
        await c.load();
        loadable.push(c.name);
      } catch {
        // a backend that does not load here is covered by the useBackend tests
      }
    }
    expect(loadable).toContain('cpu');
    const ref = await run('cpu');
    for (const name of loadable) {
      const got = await run(name);
      expect(got.conv.length).toBe(ref.conv.length);
      for (let i = 0; i < ref.conv.length; i++) expect(Math.abs(got.conv[i]! - ref.conv[i]!)).toBeLessThan(1e-5);
      for (let i = 0; i < ref.mm.length; i++) expect(Math.abs(got.mm[i]! - ref.mm[i]!)).toBeLessThan(1e-5);
    }
  });
});
