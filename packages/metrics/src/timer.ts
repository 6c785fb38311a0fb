export interface TimerOptions {
  /** a clock in milliseconds (default the global performance.now); tests pass a fake one */
  now?: () => number;
}

/**
 * d2l's Timer: records the seconds between start() and stop() calls. It starts on construction, as d2l's does.
 * `times` holds every recorded interval in seconds.
 */
export class Timer {
  readonly times: number[] = [];
  readonly #now: () => number;
  #tik = 0;

  constructor(options: TimerOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.start();
  }

  start(): void {
    this.#tik = this.#now();
  }

  /** Records and returns the seconds since the last start(). */
  stop(): number {
    const seconds = (this.#now() - this.#tik) / 1000;
    this.times.push(seconds);
    return seconds;
  }

  /** mean recorded interval in seconds (NaN before the first stop, as d2l's division by zero) */
  avg(): number {
    return this.sum() / this.times.length;
  }

  sum(): number {
    return this.times.reduce((a, b) => a + b, 0);
  }

  /** running totals: cumsum()[i] is the time up to and including the i-th interval */
  cumsum(): number[] {
    let total = 0;
    return this.times.map((t) => (total += t));
  }
}

/** Examples per second, d2l's `metric[2] / timer.sum()`; Infinity when no time passed. */
export function throughput(count: number, seconds: number): number {
  if (!(count >= 0) || !(seconds >= 0)) {
    throw new RangeError(`throughput: count and seconds must be non-negative numbers, got ${count} and ${seconds}`);
  }
  return count === 0 ? 0 : count / seconds;
}
