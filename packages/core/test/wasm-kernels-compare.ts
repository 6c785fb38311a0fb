// Deterministic inputs and backend-versus-cpu comparison: shared by core's kernel tests and by @trainkit/backend-wasm's
// wasm-kernels*.test.ts (whose comparisons need that package to register 'wasm').
import { expect } from 'vitest';
import { tf, useBackend } from '../src/index.js';

/** Uniform values in [lo, hi) from a fixed LCG, so both backends see the very same numbers. */
export function values(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(size);
  let s = (seed * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 0x1000000) * (hi - lo);
  }
  return out;
}

export function rand(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.tensor(
    values(
      shape.reduce((a, d) => a * d, 1),
      seed,
      lo,
      hi,
    ),
    shape,
    'float32',
  );
}

export interface GradCase {
  name: string;
  /** Fresh inputs on the current backend. */
  inputs: () => tf.Tensor[];
  f: (...xs: tf.Tensor[]) => tf.Tensor;
  /** What cpu runs instead of f, where cpu's own gradient is wrong and an equivalent formulation is not. */
  cpuF?: (...xs: tf.Tensor[]) => tf.Tensor;
  /** Indices of the inputs to differentiate; default: every float32 input. */
  wrt?: number[];
}

export interface GradResult {
  y: { shape: number[]; data: Float32Array };
  grads: { shape: number[]; data: Float32Array }[];
}

/**
 * Forward value and the gradients of Σ f(x)·r, with r a fixed random tensor (a plain sum would hide errors that
 * cancel), on the given backend.
 */
export async function evaluate(backend: 'cpu' | 'wasm', c: GradCase): Promise<GradResult> {
  await useBackend(backend);
  const f = backend === 'cpu' && c.cpuF ? c.cpuF : c.f;
  const xs = c.inputs();
  const wrt = c.wrt ?? xs.flatMap((x, i) => (x.dtype === 'float32' ? [i] : []));
  try {
    const y = tf.tidy(() => f(...xs));
    const r = rand(y.shape, 7919);
    const loss = (...vs: tf.Tensor[]) => {
      const all = [...xs];
      wrt.forEach((i, k) => {
        all[i] = vs[k]!;
      });
      return tf.sum(tf.mul(f(...all), r));
    };
    const gs = tf.grads(loss)(wrt.map((i) => xs[i]!));
    const result: GradResult = {
      y: { shape: y.shape, data: y.dataSync() as Float32Array },
      grads: gs.map((g) => ({ shape: g.shape, data: g.dataSync() as Float32Array })),
    };
    tf.dispose([y, r, ...gs]);
    return result;
  } finally {
    tf.dispose(xs);
  }
}

/** |actual − expected| ≤ atol + rtol·|expected| everywhere, equal shapes; the message names the first bad element. */
export function expectAllClose(
  actual: { shape: number[]; data: ArrayLike<number> },
  expected: { shape: number[]; data: ArrayLike<number> },
  label: string,
  { rtol = 1e-5, atol = 1e-5 } = {},
): void {
  expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  expect(actual.data.length, `${label}: size`).toBe(expected.data.length);
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`${label}: element ${i} is ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** Runs a case on cpu and on wasm and asserts that forward values and every gradient agree. */
export async function expectWasmMatchesCpu(c: GradCase, tol?: { rtol?: number; atol?: number }): Promise<void> {
  const ref = await evaluate('cpu', c);
  const got = await evaluate('wasm', c);
  expectAllClose(got.y, ref.y, `${c.name} forward`, tol);
  expect(got.grads.length).toBe(ref.grads.length);
  got.grads.forEach((g, i) => {
    expectAllClose(g, ref.grads[i]!, `${c.name} d/dinput${i}`, tol);
  });
}
