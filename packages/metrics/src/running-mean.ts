import { readScalars, type ScalarLike } from './read-scalars.js';

/**
 * The mean of the values seen so far, each weighted by n (a batch's mean loss weighted by its batch size gives the
 * per-sample mean). With `window`, only the last `window` updates count, as torchmetrics' RunningMean: a smoothed
 * training loss that forgets the first epochs. NaN before the first update.
 */
export class RunningMean {
  readonly window: number;
  #sum = 0;
  #weight = 0;
  #count = 0;
  readonly #recent: [number, number][] = [];

  constructor(options: { window?: number } = {}) {
    const window = options.window ?? Number.POSITIVE_INFINITY;
    if (!(window === Number.POSITIVE_INFINITY || (Number.isInteger(window) && window >= 1))) {
      throw new RangeError(`RunningMean: window must be a positive integer, got ${window}`);
    }
    this.window = window;
  }

  /** Adds value (a number or a one-element tensor, read and not disposed) with weight n; returns the new mean. */
  update(value: ScalarLike, n = 1): number {
    if (!(n > 0) || !Number.isFinite(n))
      throw new RangeError(`RunningMean.update: n must be a positive number, got ${n}`);
    const [v] = readScalars([value], 'RunningMean.update') as [number];
    this.#count++;
    if (this.window === Number.POSITIVE_INFINITY) {
      this.#sum += v * n;
      this.#weight += n;
    } else {
      this.#recent.push([v, n]);
      if (this.#recent.length > this.window) this.#recent.shift();
      // Summed afresh each time rather than add-and-subtract, which drifts over a long run.
      this.#sum = 0;
      this.#weight = 0;
      for (const [x, w] of this.#recent) {
        this.#sum += x * w;
        this.#weight += w;
      }
    }
    return this.value;
  }

  get value(): number {
    return this.#weight === 0 ? Number.NaN : this.#sum / this.#weight;
  }

  /** number of updates since construction or reset (not limited by the window) */
  get count(): number {
    return this.#count;
  }

  reset(): void {
    this.#sum = 0;
    this.#weight = 0;
    this.#count = 0;
    this.#recent.length = 0;
  }
}
