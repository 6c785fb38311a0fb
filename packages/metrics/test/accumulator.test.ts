import { tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Accumulator } from '../src/index.js';
import { countDownloads, expectNoLeak } from './helpers.js';

describe('Accumulator', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it("sums per slot like d2l's Accumulator and reads back by get, index, at and toArray", () => {
    const metric = new Accumulator(3);
    metric.add(2.5, 1, 64).add(1.5, 3, 36);
    expect(metric.get(0)).toBe(4);
    expect(metric[1]).toBe(4);
    expect(metric[2]).toBe(100);
    expect(metric.at(-1)).toBe(100);
    expect(metric.at(3)).toBeUndefined();
    expect(metric[3]).toBeUndefined();
    expect(metric.toArray()).toEqual([4, 4, 100]);
    expect([...metric]).toEqual([4, 4, 100]);
    expect(metric.length).toBe(3);
    expect(1 in metric).toBe(true);
    expect(3 in metric).toBe(false);
    expect(String(metric)).toBe('Accumulator(4, 4, 100)');
    // d2l: metric[0] / metric[2]
    expect(metric[0]! / metric[2]!).toBeCloseTo(0.04, 12);
    metric.reset();
    expect(metric.toArray()).toEqual([0, 0, 0]);
  });

  it('reads scalar tensors in one download and leaves them to the caller', async () => {
    const loss = tf.scalar(0.75);
    const correct = tf.scalar(30, 'int32');
    const metric = new Accumulator(3);
    const counter = countDownloads();
    try {
      await expectNoLeak(() => metric.add(loss, correct, 32));
      expect(counter.engineReads()).toBe(1);
    } finally {
      counter.restore();
    }
    expect(metric.toArray()).toEqual([0.75, 30, 32]);
    expect(loss.isDisposed || correct.isDisposed).toBe(false);
    const oneElement = tf.tensor1d([2]);
    metric.add(oneElement, 1, 1);
    expect(metric.get(0)).toBe(2.75);
    tf.dispose([loss, correct, oneElement]);
  });

  it('rejects wrong counts, non-scalars and bad indices', () => {
    const metric = new Accumulator(2);
    expect(() => metric.add(1)).toThrow('Accumulator.add: expected 2 values, got 1');
    const v = tf.tensor1d([1, 2, 3]);
    expect(() => metric.add(v, 1)).toThrow(
      'Accumulator.add: value 0 is a tensor of shape [3], expected a number or a one-element tensor',
    );
    v.dispose();
    expect(() => metric.add(v as never, 1)).toThrow('value 0 is a disposed tensor');
    expect(() => metric.add('1' as never, 1)).toThrow('value 0 is string 1');
    expect(() => metric.get(2)).toThrow('Accumulator.get: index 2 is out of range for 2 totals');
    expect(() => {
      (metric as unknown as number[])[0] = 5;
    }).toThrow(/read-only/);
    expect(() => new Accumulator(0)).toThrow(/positive integer/);
    expect(metric.toArray()).toEqual([0, 0]);
  });
});
