import { tf } from '@trainkit/core';
import { expect } from 'vitest';
import { nativeStatus, registerNativeBackend } from '../src/index.js';

/** Registers 'native' when the addon is built; tests use describe.skipIf(!available) and say why once. */
export const status = nativeStatus();
export const available = status.available;
if (available) registerNativeBackend();
else console.warn(`@trainkit/backend-native tests skipped: ${status.reason}`);

export function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/**
 * Runs `f` on tfjs's cpu backend and on 'native' with the same inputs (made by `inputs` on each backend) and
 * asserts every output agrees within atol·max(1, max|cpu|) + rtol·|cpu|: the absolute part scales with the output
 * because float32 sums of hundreds of terms (a conv gradient) cancel to small values with errors of the terms' size.
 */
export async function expectSameAsCpu(
  label: string,
  inputs: () => tf.Tensor[],
  f: (...xs: tf.Tensor[]) => tf.Tensor[],
  { rtol = 1e-4, atol = 1e-5 } = {},
): Promise<void> {
  const results: Record<string, { shape: number[]; data: Float32Array }[]> = {};
  for (const backend of ['cpu', 'native']) {
    await tf.setBackend(backend);
    results[backend] = tf.tidy(() =>
      f(...inputs()).map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array })),
    );
  }
  const [ref, got] = [results.cpu!, results.native!];
  expect(got.length, label).toBe(ref.length);
  ref.forEach((r, k) => {
    const g = got[k]!;
    // NaN must meet NaN, and does not count towards the scale
    const scale = r.data.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, Math.abs(v))), 1);
    expect(g.shape, `${label} output ${k} shape`).toEqual(r.shape);
    for (let i = 0; i < r.data.length; i++) {
      if (Number.isNaN(r.data[i]!) && Number.isNaN(g.data[i]!)) continue;
      const err = Math.abs(g.data[i]! - r.data[i]!);
      if (!(err <= atol * scale + rtol * Math.abs(r.data[i]!))) {
        expect.fail(`${label} output ${k}[${i}]: native ${g.data[i]} vs cpu ${r.data[i]}`);
      }
    }
  });
}
