import { describe, expect, it } from 'vitest';
import { Timer, throughput } from '../src/index.js';

describe('Timer', () => {
  it("records intervals in seconds like d2l's Timer", () => {
    let now = 1000; // ms
    const timer = new Timer({ now: () => now });
    now += 1500;
    expect(timer.stop()).toBe(1.5);
    timer.start();
    now += 250;
    expect(timer.stop()).toBe(0.25);
    now += 4000; // not timed: no start()
    timer.start();
    now += 750;
    expect(timer.stop()).toBe(0.75);
    expect(timer.times).toEqual([1.5, 0.25, 0.75]);
    expect(timer.sum()).toBe(2.5);
    expect(timer.avg()).toBeCloseTo(2.5 / 3, 12);
    expect(timer.cumsum()).toEqual([1.5, 1.75, 2.5]);
    expect(new Timer().avg()).toBeNaN();
  });

  it('measures real time with the default clock', async () => {
    const timer = new Timer();
    await new Promise((r) => setTimeout(r, 30));
    const s = timer.stop();
    expect(s).toBeGreaterThanOrEqual(0.025);
    expect(s).toBeLessThan(5);
  });

  it('computes examples per second', () => {
    expect(throughput(1000, 2)).toBe(500);
    expect(throughput(0, 0)).toBe(0);
    expect(throughput(10, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(() => throughput(-1, 1)).toThrow('throughput: count and seconds must be non-negative numbers, got -1 and 1');
    expect(() => throughput(1, Number.NaN)).toThrow(/non-negative/);
  });
});
