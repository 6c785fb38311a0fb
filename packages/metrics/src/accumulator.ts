import { readScalars, type ScalarLike } from './read-scalars.js';

const INDEX = /^(0|[1-9]\d*)$/;

/**
 * Sums n running totals, d2l's Accumulator: `metric.add(lossSum, correct, count)` once per batch, then
 * `metric.get(0) / metric.get(2)`. `metric[0]` works too (the instance is wrapped in a Proxy for index access), and
 * `at(-1)` counts from the end like Array.prototype.at.
 *
 * Tensors passed to add are read in one download together and are not disposed (they stay the caller's).
 */
export class Accumulator implements Iterable<number> {
  /** d2l's `metric[i]`; undefined outside [0, n) like an array (use get(i) for a checked read). */
  readonly [index: number]: number;
  private readonly values: number[];

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Accumulator: n must be a positive integer, got ${n}`);
    this.values = new Array<number>(n).fill(0);
    // biome-ignore lint/correctness/noConstructorReturn: the Proxy is what gives d2l's metric[i]
    return new Proxy(this, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && INDEX.test(prop)) return target.values[Number(prop)];
        return Reflect.get(target, prop, receiver);
      },
      set(target, prop, value, receiver) {
        if (typeof prop === 'string' && INDEX.test(prop)) {
          throw new TypeError(`Accumulator: metric[${prop}] is read-only; use add() or reset()`);
        }
        return Reflect.set(target, prop, value, receiver);
      },
      has(target, prop) {
        if (typeof prop === 'string' && INDEX.test(prop)) return Number(prop) < target.values.length;
        return Reflect.has(target, prop);
      },
    });
  }

  /** The number of totals. */
  get length(): number {
    return this.values.length;
  }

  /** Adds one value to each total, in order; exactly n values (d2l's zip would silently drop extras). */
  add(...values: ScalarLike[]): this {
    if (values.length !== this.values.length) {
      throw new Error(`Accumulator.add: expected ${this.values.length} values, got ${values.length}`);
    }
    const numbers = readScalars(values, 'Accumulator.add');
    for (const [i, v] of numbers.entries()) this.values[i]! += v;
    return this;
  }

  reset(): this {
    this.values.fill(0);
    return this;
  }

  /** The i-th total; throws outside [0, n). */
  get(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.values.length) {
      throw new RangeError(`Accumulator.get: index ${i} is out of range for ${this.values.length} totals`);
    }
    return this.values[i]!;
  }

  /** The i-th total, negative i counting from the end; undefined outside the range, like Array.prototype.at. */
  at(i: number): number | undefined {
    return this.values.at(i);
  }

  toArray(): number[] {
    return [...this.values];
  }

  [Symbol.iterator](): Iterator<number> {
    return this.toArray()[Symbol.iterator]();
  }

  toString(): string {
    return `Accumulator(${this.values.join(', ')})`;
  }
}
