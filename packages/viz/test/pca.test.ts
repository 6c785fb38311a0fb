import { tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pca } from '../src/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** Deterministic pseudo-normal numbers (Box–Muller on mulberry32). */
function gaussians(seed: number) {
  let s = seed;
  const u = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('pca', () => {
  it('recovers known axes and variances of data built from an orthonormal basis', () => {
    // axes: a rotation in the (0,1) plane and the 2nd coordinate, in 5-d; stds 5, 2, 0.5 along them
    const c = Math.cos(0.6);
    const s = Math.sin(0.6);
    const axes = [
      [c, s, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [-s, c, 0, 0, 0],
    ];
    const stds = [5, 2, 0.5];
    const g = gaussians(1);
    const data: number[][] = [];
    for (let i = 0; i < 2000; i++) {
      const z = stds.map((sd) => sd * g());
      data.push([0, 1, 2, 3, 4].map((d) => 10 + z.reduce((acc, zk, k) => acc + zk * (axes[k]?.[d] ?? 0), 0)));
    }
    const r = pca(data, 2);
    // each component equals the true axis up to sign (the sign is fixed: largest entry positive)
    for (let k = 0; k < 2; k++) {
      const dot = (r.components[k] as number[]).reduce((acc, v, d) => acc + v * (axes[k]?.[d] ?? 0), 0);
      expect(Math.abs(dot)).toBeGreaterThan(0.999);
      const comp = r.components[k] as number[];
      const big = comp.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
      expect(big).toBeGreaterThan(0);
    }
    expect(Math.sqrt(r.explainedVariance[0] as number)).toBeCloseTo(5, 0);
    expect(Math.sqrt(r.explainedVariance[1] as number)).toBeCloseTo(2, 0);
    expect(r.mean[3]).toBeCloseTo(10, 6);
    // the projections' sample variances are the explained variances
    for (let k = 0; k < 2; k++) {
      const col = r.projected.map((p) => p[k] as number);
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      expect(Math.abs(m)).toBeLessThan(1e-9);
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / (col.length - 1);
      expect(v).toBeCloseTo(r.explainedVariance[k] as number, 6);
    }
    const ratioSum = (r.explainedVarianceRatio[0] as number) + (r.explainedVarianceRatio[1] as number);
    expect(ratioSum).toBeCloseTo((25 + 4) / (25 + 4 + 0.25), 1);
  });

  it('is exact on a small hand-checked example and takes tensors', () => {
    // points on the line y = x plus one off it: the first axis is (1, 1)/√2
    const data = [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ];
    const r = pca(tf.tensor2d(data), 1);
    expect(r.components[0]?.[0]).toBeCloseTo(Math.SQRT1_2, 10);
    expect(r.components[0]?.[1]).toBeCloseTo(Math.SQRT1_2, 10);
    // variance of (x + y)/√2 over 0, √2, 2√2, 3√2 with N − 1: 2 · var(0..3) = 2 · 5/3
    expect(r.explainedVariance[0]).toBeCloseTo(10 / 3, 10);
    expect(r.explainedVarianceRatio[0]).toBeCloseTo(1, 10);
    expect(r.projected.map((p) => p[0])).toEqual(
      [-1.5, -0.5, 0.5, 1.5].map((v) => expect.closeTo(v * Math.SQRT2, 10) as unknown as number),
    );
  });

  it('handles more features than the subspace (high-dimensional data)', () => {
    const g = gaussians(7);
    const D = 40;
    const data = Array.from({ length: 300 }, (_, i) =>
      Array.from({ length: D }, (_, d) => (d === 17 ? 8 * Math.sin(i) : 0) + 0.3 * g()),
    );
    const r = pca(data, 3);
    const first = r.components[0] as number[];
    expect(Math.abs(first[17] as number)).toBeGreaterThan(0.99);
    expect(r.explainedVariance[0]).toBeGreaterThan(r.explainedVariance[1] as number);
    expect(r.explainedVariance[1]).toBeGreaterThanOrEqual(r.explainedVariance[2] as number);
  });

  it('rejects bad arguments', () => {
    expect(() => pca([[1, 2]], 1)).toThrow(/at least 2 rows/);
    expect(() =>
      pca(
        [
          [1, 2],
          [3, 4],
        ],
        3,
      ),
    ).toThrow(/k must be/);
  });
});
