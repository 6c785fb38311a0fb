import { describe, expect, it } from 'vitest';
import { DEFAULT_BINS, makeHistogram } from '../src/summary/histogram.js';

describe('makeHistogram with the default bins', () => {
  it('puts values exactly on, just below and just above every edge where explicit edges put them', () => {
    // The default path estimates the bin with a logarithm; explicit edges use a plain binary search.
    const values: number[] = [];
    for (let i = 0; i < DEFAULT_BINS.length; i += 7) {
      const e = DEFAULT_BINS[i]!;
      values.push(e, e * (1 + 1e-15), e * (1 - 1e-15), e + Number.EPSILON * Math.abs(e));
    }
    values.push(0, -0, 1e-300, -1e-300, 1e30, -1e30, Number.NaN);
    const fast = makeHistogram(values, 'tensorflow');
    const slow = makeHistogram(values, Array.from(DEFAULT_BINS));
    expect(fast.bucket).toEqual(slow.bucket);
    expect(fast.bucketLimit).toEqual(slow.bucketLimit);
    expect(Number.isNaN(fast.min!)).toBe(true); // numpy's min over NaN
    expect(fast.num).toBe(values.length);
  });

  it('has PyTorch default_bins: 0, ±1e-12·1.1^k below 1e20', () => {
    const k = (DEFAULT_BINS.length - 1) / 2;
    expect(DEFAULT_BINS[k]).toBe(0);
    expect(DEFAULT_BINS[k + 1]).toBe(1e-12);
    expect(DEFAULT_BINS[k - 1]).toBe(-1e-12);
    expect(DEFAULT_BINS.at(-1)!).toBeLessThan(1e20);
    expect(DEFAULT_BINS.at(-1)! * 1.1).toBeGreaterThanOrEqual(1e20);
  });

  it('rejects empty input and all-out-of-range values', () => {
    expect(() => makeHistogram([], 'tensorflow', undefined, "addHistogram('w')")).toThrow(
      "addHistogram('w'): the input has no element",
    );
    expect(() => makeHistogram([100], [0, 1])).toThrow('every value lies outside the bins');
    expect(() => makeHistogram([1, 2], [0, 2, 1])).toThrow('bin edges must increase monotonically (index 2)');
  });
});
