import { tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExponentialMovingAverage, RunningMean } from '../src/index.js';

describe('RunningMean', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('weights values by n and forgets nothing without a window', () => {
    const m = new RunningMean();
    expect(m.value).toBeNaN();
    expect(m.update(2, 64)).toBe(2);
    // (2·64 + 5·36) / 100
    expect(m.update(5, 36)).toBeCloseTo(3.08, 12);
    expect(m.count).toBe(2);
    m.reset();
    expect(m.value).toBeNaN();
    expect(m.count).toBe(0);
  });

  it('averages the last `window` updates (torchmetrics RunningMean)', () => {
    const m = new RunningMean({ window: 3 });
    const seen = [1, 2, 3, 4, 10].map((v) => m.update(v));
    expect(seen).toEqual([1, 1.5, 2, 3, 17 / 3]);
    expect(m.count).toBe(5);
    const w = new RunningMean({ window: 2 });
    w.update(1, 1);
    w.update(4, 3);
    expect(w.value).toBeCloseTo(13 / 4, 12);
    expect(w.update(0, 1)).toBeCloseTo(12 / 4, 12); // the value 1 dropped out
  });

  it('reads one-element tensors and rejects bad arguments', () => {
    const m = new RunningMean();
    const loss = tf.scalar(0.5);
    expect(m.update(loss, 2)).toBe(0.5);
    expect(loss.isDisposed).toBe(false);
    loss.dispose();
    expect(() => m.update(1, 0)).toThrow('RunningMean.update: n must be a positive number, got 0');
    expect(() => new RunningMean({ window: 0 })).toThrow(/window must be a positive integer/);
    const v = tf.zeros([2]);
    expect(() => m.update(v)).toThrow('RunningMean.update: value 0 is a tensor of shape [2]');
    v.dispose();
  });
});

describe('ExponentialMovingAverage', () => {
  it("is bias-corrected like tqdm's EMA (hand-computed)", () => {
    const ema = new ExponentialMovingAverage(0.3);
    expect(ema.value).toBeNaN();
    // the first value comes back unchanged: 0.3·10 / (1 − 0.7)
    expect(ema.update(10)).toBeCloseTo(10, 12);
    // last = 0.3·20 + 0.7·3 = 8.1; / (1 − 0.49) = 15.882352…
    expect(ema.update(20)).toBeCloseTo(8.1 / 0.51, 12);
    // last = 0.3·0 + 0.7·8.1 = 5.67; / (1 − 0.343)
    expect(ema.update(0)).toBeCloseTo(5.67 / 0.657, 12);
    expect(ema.count).toBe(3);
    ema.reset();
    expect(ema.value).toBeNaN();
    expect(ema.update(4)).toBeCloseTo(4, 12);
  });

  it('matches a direct weighted mean and the limits smoothing = 1 (latest) and 0 (plain mean)', () => {
    const xs = [3, -1, 4, 1, -5, 9, 2, 6];
    const a = 0.1;
    const ema = new ExponentialMovingAverage(a);
    xs.forEach((x, t) => {
      const got = ema.update(x);
      // Σ α(1−α)^(t−i) x_i / Σ α(1−α)^(t−i): the weights the bias correction normalises
      let num = 0;
      let den = 0;
      for (let i = 0; i <= t; i++) {
        const w = a * (1 - a) ** (t - i);
        num += w * xs[i]!;
        den += w;
      }
      expect(got).toBeCloseTo(num / den, 12);
    });
    const latest = new ExponentialMovingAverage(1);
    const mean = new ExponentialMovingAverage(0);
    for (const x of xs) {
      latest.update(x);
      mean.update(x);
    }
    expect(latest.value).toBe(6);
    expect(mean.value).toBeCloseTo(xs.reduce((s, x) => s + x, 0) / xs.length, 12);
    expect(() => new ExponentialMovingAverage(1.5)).toThrow(
      'ExponentialMovingAverage: smoothing must be in [0, 1], got 1.5',
    );
  });
});
