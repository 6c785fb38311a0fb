import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type BackendName, tf } from '../../src/index.js';

/** A tensor as the fixture scripts write it (tools/fixtures/common.py: t2j). */
export interface JsonTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

/** Reads packages/core/test/fixtures/<name>.json, written by tools/fixtures/*.py with PyTorch. */
export function loadFixture<T = Record<string, unknown>>(name: string): { torch: string; cases: T } {
  const url = new URL(`../fixtures/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

export function toTensor(j: JsonTensor): tf.Tensor {
  const dtype = j.dtype.startsWith('int') || j.dtype === 'long' ? 'int32' : j.dtype === 'bool' ? 'bool' : 'float32';
  return tf.tensor(j.data, j.shape, dtype);
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise, and equal shapes; the failure names the first
 * offending index and the largest error.
 */
export function expectClose(
  actual: tf.Tensor | number,
  expected: JsonTensor | number,
  { rtol = 1e-5, atol = 1e-6, label = '' }: { rtol?: number; atol?: number; label?: string } = {},
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual.dataSync());
  const e = typeof expected === 'number' ? [expected] : expected.data;
  if (typeof actual !== 'number' && typeof expected !== 'number') {
    expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  }
  expect(a.length, `${label} size`).toBe(e.length);
  let worst = 0;
  let firstBad = -1;
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i]! - e[i]!);
    const tol = atol + rtol * Math.abs(e[i]!);
    if (!(err <= tol) && firstBad < 0) firstBad = i;
    if (err > worst || Number.isNaN(err)) worst = Number.isNaN(err) ? Number.NaN : err;
  }
  if (firstBad >= 0) {
    expect.fail(
      `${label}: element ${firstBad} is ${a[firstBad]}, expected ${e[firstBad]} (rtol ${rtol}, atol ${atol}); max abs error ${worst}`,
    );
  }
}

/**
 * The backends conformance tests run on: cpu, which always loads (tfjs ships it in core's dependencies).
 * TRAINKIT_TEST_BACKENDS=wasm,… runs the same suites on another registered backend: @trainkit/backend-wasm's and
 * @trainkit/backend-native's tests do that for 'wasm' and 'native' (their vitest.config.ts).
 */
export const TEST_BACKENDS = (process.env.TRAINKIT_TEST_BACKENDS?.split(',') ?? ['cpu']) as readonly BackendName[];
