import { defaultGenerator, type Generator } from '@trainkit/core';
import type { MapDataset } from './dataset.js';
import { Subset } from './subset.js';

/**
 * Splits a dataset into non-overlapping random subsets, like torch.utils.data.random_split. `lengths` are counts
 * that sum to the dataset's length, or fractions that sum to 1: each split gets floor(n × fraction) items and the
 * remainder is dealt one by one to the first splits, as PyTorch does.
 */
export function randomSplit<T>(
  dataset: MapDataset<T>,
  lengths: number[],
  generator: Generator = defaultGenerator,
): Subset<T>[] {
  const n = dataset.length;
  let counts = lengths;
  const sum = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) <= 1e-9 * Math.max(1, Math.abs(sum)) && sum <= 1) {
    counts = lengths.map((frac, i) => {
      if (!(frac >= 0 && frac <= 1))
        throw new Error(`randomSplit: fraction at index ${i} is ${frac}, not between 0 and 1`);
      return Math.floor(n * frac);
    });
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]! += 1;
  }
  counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0)
      throw new Error(`randomSplit: length at index ${i} is ${c}; expected a non-negative integer or a fraction`);
  });
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== n) {
    throw new Error(`randomSplit: the lengths [${lengths.join(', ')}] sum to ${total}, but the dataset has ${n} items`);
  }
  const perm = generator.randperm(n);
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, perm.subarray(offset, offset + c)));
    offset += c;
  }
  return out;
}
