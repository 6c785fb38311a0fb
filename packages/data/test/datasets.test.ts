import { Generator, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConcatDataset, Dataset, randomSplit, Subset, TensorDataset } from '../src/index.js';

class Range extends Dataset<number> {
  constructor(
    private readonly n: number,
    private readonly offset = 0,
  ) {
    super();
  }
  get length() {
    return this.n;
  }
  getItem(i: number) {
    if (i < 0 || i >= this.n) throw new RangeError(`bad index ${i}`);
    return this.offset + i;
  }
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('TensorDataset', () => {
  it('returns the i-th slice of every tensor with its dtype', () => {
    const x = tf.tensor3d(
      Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => i),
      [4, 2, 3],
    );
    const y = tf.tensor1d([3, 1, 4, 1], 'int32');
    const ds = new TensorDataset(x, y);
    x.dispose();
    y.dispose(); // the dataset copied the values
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.getItem(2);
    expect(xi!.shape).toEqual([2, 3]);
    expect(Array.from(xi!.data)).toEqual([12, 13, 14, 15, 16, 17]);
    expect(xi!.data).toBeInstanceOf(Float32Array);
    expect(yi!.shape).toEqual([]);
    expect(Array.from(yi!.data)).toEqual([4]);
    expect(yi!.data).toBeInstanceOf(Int32Array);
    expect(() => ds.getItem(4)).toThrow(/index 4 is out of range for a dataset of 4 items/);
  });

  it('rejects tensors whose first dimensions differ', () => {
    const a = tf.zeros([3, 2]);
    const b = tf.zeros([4]);
    expect(() => new TensorDataset(a, b)).toThrow(/size mismatch between tensors: first dimensions are \[3, 4\]/);
    tf.dispose([a, b]);
  });
});

describe('Subset and ConcatDataset', () => {
  it('Subset maps indices', () => {
    const s = new Subset(new Range(10), [7, 2, 5]);
    expect(s.length).toBe(3);
    expect([0, 1, 2].map((i) => s.getItem(i))).toEqual([7, 2, 5]);
    expect(() => s.getItem(3)).toThrow(RangeError);
  });

  it('ConcatDataset chains datasets and finds the right one at the boundaries', () => {
    const c = new ConcatDataset([new Range(3, 100), new Range(0, 200), new Range(2, 300)]);
    expect(c.length).toBe(5);
    expect(c.cumulativeSizes).toEqual([3, 3, 5]);
    expect(Array.from({ length: 5 }, (_, i) => c.getItem(i))).toEqual([100, 101, 102, 300, 301]);
    expect(() => c.getItem(5)).toThrow(RangeError);
  });
});

describe('randomSplit', () => {
  it('splits counts into disjoint subsets that cover the dataset, reproducibly', () => {
    const ds = new Range(10);
    const [a, b] = randomSplit(ds, [7, 3], new Generator(42));
    expect(a!.length).toBe(7);
    expect(b!.length).toBe(3);
    const all = [
      ...Array.from({ length: 7 }, (_, i) => a!.getItem(i)),
      ...Array.from({ length: 3 }, (_, i) => b!.getItem(i)),
    ];
    expect([...all].sort((x, y) => (x as number) - (y as number))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [a2] = randomSplit(ds, [7, 3], new Generator(42));
    expect(Array.from(a2!.indices)).toEqual(Array.from(a!.indices));
    const [a3] = randomSplit(ds, [7, 3], new Generator(43));
    expect(Array.from(a3!.indices)).not.toEqual(Array.from(a!.indices));
  });

  it('turns fractions into counts as PyTorch does (floor, remainder dealt round-robin)', () => {
    const parts = randomSplit(new Range(11), [0.5, 0.3, 0.2], new Generator(0));
    // floor: 5, 3, 2 = 10; the remaining 1 goes to the first split
    expect(parts.map((p) => p.length)).toEqual([6, 3, 2]);
  });

  it('rejects lengths that do not sum to the dataset size', () => {
    expect(() => randomSplit(new Range(10), [5, 4])).toThrow(/sum to 9, but the dataset has 10 items/);
  });
});
