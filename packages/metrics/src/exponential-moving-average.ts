import { readScalars, type ScalarLike } from './read-scalars.js';

/**
 * A bias-corrected exponential moving average, tqdm's EMA (its `smoothing` option for rates):
 *
 *   last_t = α·x_t + (1 − α)·last_{t−1},  last_0 = 0,   value_t = last_t / (1 − (1 − α)^t)
 *
 * The division undoes the pull towards the zero start, so the first value is x_1 itself and early values are true
 * weighted means of what was seen. α = smoothing in [0, 1]: 1 gives the latest value; 0 gives the plain mean of all
 * values (the limit of the formula as α → 0, where tqdm would divide by zero). NaN before the first update (tqdm
 * shows 0 there).
 */
export class ExponentialMovingAverage {
  readonly smoothing: number;
  #last = 0;
  #calls = 0;

  constructor(smoothing = 0.3) {
    if (!(smoothing >= 0 && smoothing <= 1)) {
      throw new RangeError(`ExponentialMovingAverage: smoothing must be in [0, 1], got ${smoothing}`);
    }
    this.smoothing = smoothing;
  }

  /** Adds a value (a number or a one-element tensor, read and not disposed); returns the new average. */
  update(value: ScalarLike): number {
    const [x] = readScalars([value], 'ExponentialMovingAverage.update') as [number];
    this.#calls++;
    if (this.smoothing === 0) this.#last += (x - this.#last) / this.#calls;
    else this.#last = this.smoothing * x + (1 - this.smoothing) * this.#last;
    return this.value;
  }

  get value(): number {
    if (this.#calls === 0) return Number.NaN;
    if (this.smoothing === 0) return this.#last;
    return this.#last / (1 - (1 - this.smoothing) ** this.#calls);
  }

  /** number of updates since construction or reset */
  get count(): number {
    return this.#calls;
  }

  reset(): void {
    this.#last = 0;
    this.#calls = 0;
  }
}
