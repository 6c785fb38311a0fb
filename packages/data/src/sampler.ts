import { defaultGenerator, type Generator } from '@trainkit/core';

/**
 * Yields the dataset indices of one epoch, like torch.utils.data.Sampler; each call of [Symbol.iterator] starts
 * a new epoch (a random sampler draws a fresh permutation then).
 */
export interface Sampler extends Iterable<number> {
  readonly length: number;
}

/** 0, 1, …, n-1. */
export class SequentialSampler implements Sampler {
  constructor(readonly n: number) {}

  get length(): number {
    return this.n;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.n; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  /** draw with replacement (then numSamples may exceed n) */
  replacement?: boolean;
  /** samples per epoch; n by default */
  numSamples?: number;
  generator?: Generator;
}

/** A permutation of 0..n-1 drawn afresh each epoch from `generator`, like torch's RandomSampler. */
export class RandomSampler implements Sampler {
  readonly replacement: boolean;
  readonly generator: Generator;
  private readonly numSamples: number;

  constructor(
    readonly n: number,
    options: RandomSamplerOptions = {},
  ) {
    this.replacement = options.replacement ?? false;
    this.generator = options.generator ?? defaultGenerator;
    this.numSamples = options.numSamples ?? n;
    if (!Number.isInteger(this.numSamples) || this.numSamples < 0) {
      throw new Error(`RandomSampler: numSamples should be a non-negative integer, got ${this.numSamples}`);
    }
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const g = this.generator;
    if (this.replacement) {
      for (let i = 0; i < this.numSamples; i++) yield g.randint(0, this.n);
      return;
    }
    // whole permutations, then a prefix of one more, as PyTorch does when numSamples > n
    let left = this.numSamples;
    while (left > 0) {
      const perm = g.randperm(this.n);
      const take = Math.min(left, this.n);
      for (let i = 0; i < take; i++) yield perm[i]!;
      left -= take;
      if (this.n === 0) break;
    }
  }
}

/** A fresh permutation of the given indices each epoch, like torch's SubsetRandomSampler. */
export class SubsetRandomSampler implements Sampler {
  constructor(
    readonly indices: ArrayLike<number>,
    readonly generator: Generator = defaultGenerator,
  ) {}

  get length(): number {
    return this.indices.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    const perm = this.generator.randperm(this.indices.length);
    for (let i = 0; i < perm.length; i++) yield this.indices[perm[i]!]!;
  }
}
