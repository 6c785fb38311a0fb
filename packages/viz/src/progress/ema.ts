/**
 * Exponential moving average with tqdm's bias correction: early values are not pulled towards the initial 0.
 * `smoothing` is the weight of the newest value: 0 keeps the old value, 1 keeps only the newest.
 */
export class EMA {
  #last = 0;
  #calls = 0;

  constructor(readonly smoothing = 0.3) {}

  /** Adds a value (when given) and returns the current average. */
  update(x?: number): number {
    const beta = 1 - this.smoothing;
    if (x !== undefined) {
      this.#last = this.smoothing * x + beta * this.#last;
      this.#calls++;
    }
    return this.#calls ? this.#last / (1 - beta ** this.#calls) : this.#last;
  }

  get value(): number {
    return this.update();
  }
}
