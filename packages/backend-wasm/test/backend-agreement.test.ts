import { type ConcreteBackend, candidates, tf, useBackend } from '@trainkit/core';
import { describe, expect, it } from 'vitest';

// Every backend that loads here must compute the same conv2d and matmul as tfjs's reference cpu kernels.
async function run(backend: ConcreteBackend): Promise<{ conv: Float32Array; mm: Float32Array }> {
  await useBackend(backend);
  return tf.tidy(() => {
    const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
    const x = rand([2, 9, 7, 3], 1) as tf.Tensor4D;
    const w = rand([3, 3, 3, 5], 2) as tf.Tensor4D;
    // stride (2, 1) with asymmetric explicit padding: top 1, bottom 1, left 0, right 2
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [1, 1],
      [0, 2],
      [0, 0],
    ];
    const conv = tf.conv2d(x, w, [2, 1], pad);
    const a = rand([17, 33], 3);
    const b = rand([33, 9], 4);
    return { conv: conv.dataSync() as Float32Array, mm: tf.matMul(a, b).dataSync() as Float32Array };
  });
}

describe('backends agree', () => {
  it('conv2d and matmul on every backend that loads match cpu within 1e-5', async () => {
    const loadable: ConcreteBackend[] = [];
    for (const c of candidates) {
      try {
        await c.load();
        loadable.push(c.name);
      } catch {
        // a backend that does not load here is covered by the useBackend tests
      }
    }
    expect(loadable).toContain('cpu');
    expect(loadable).toContain('wasm');
    const ref = await run('cpu');
    expect(ref.conv.length).toBe(2 * 5 * 7 * 5); // H (9 + 2 - 3) / 2 + 1 = 5, W (7 + 2 - 3) + 1 = 7
    for (const name of loadable) {
      const got = await run(name);
      expect(got.conv.length, name).toBe(ref.conv.length);
      for (let i = 0; i < ref.conv.length; i++)
        expect(Math.abs(got.conv[i]! - ref.conv[i]!), `${name} conv ${i}`).toBeLessThan(1e-5);
      for (let i = 0; i < ref.mm.length; i++)
        expect(Math.abs(got.mm[i]! - ref.mm[i]!), `${name} matmul ${i}`).toBeLessThan(1e-5);
    }
  });
});
