import type { tf } from '../../src/index.js';

/** The permutations between tfjs's NHWC and PyTorch's NCHW that nn's conv and pool layers transpose by. */
export const NCHW = [0, 3, 1, 2];
export const NHWC = [0, 2, 3, 1];

/** An NHWC tensor transposed to NCHW on the host: the reference for the backends' deferred transposes. */
export function nchwOnHost(x: tf.Tensor): number[] {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const v = x.dataSync();
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++)
      for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) out.push(v[((i * h + r) * w + q) * c + k]!);
  return out;
}
