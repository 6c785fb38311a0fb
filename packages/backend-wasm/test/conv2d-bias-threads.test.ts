// CONV2D_BIAS on wasm's thread pool: the fused kernel is sized for threads as the stock one it stands in for.
import { tf } from '@trainkit/core';
import { CONV2D_BIAS } from '@trainkit/core/kernels';
import { describe, expect, it } from 'vitest';
import { worthThreads } from '../src/kernels/parallel-work.js';

describe(`${CONV2D_BIAS} on wasm's thread pool`, () => {
  it("takes the pool for the same work as tfjs's FusedConv2D", () => {
    const t = (shape: number[]) => ({ shape, dtype: 'float32', dataId: {} }) as unknown as tf.TensorInfo;
    for (const [x, f] of [
      [
        [64, 32, 32, 3],
        [5, 5, 3, 32],
      ],
      [
        [1, 8, 8, 3],
        [3, 3, 3, 4],
      ],
      [
        [64, 16, 16, 64],
        [1, 1, 64, 1],
      ],
    ] as const) {
      const inputs = { x: t([...x]), filter: t([...f]), bias: t([f[3]]) };
      expect(worthThreads(CONV2D_BIAS, inputs)).toBe(worthThreads(tf.FusedConv2D, inputs));
    }
  });
});
