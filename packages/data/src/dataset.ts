/**
 * A map-style dataset, like torch.utils.data.Dataset: `length` items addressed by index. `getItem` may return a
 * promise (a sample read from disk); the DataLoader awaits samples one after another, so a dataset whose random
 * transforms draw from a Generator stays reproducible even when its reads are asynchronous.
 */
export abstract class Dataset<T> {
  abstract getItem(index: number): T | Promise<T>;
  abstract get length(): number;
}

/** Anything the DataLoader can index: a Dataset or a plain object with the same two members. */
export interface MapDataset<T> {
  getItem(index: number): T | Promise<T>;
  readonly length: number;
}

/**
 * An iterable-style dataset, like torch.utils.data.IterableDataset: a stream of samples without random access
 * (lines of a file, a generator). Each epoch iterates it afresh; it cannot be shuffled by the loader.
 */
export abstract class IterableDataset<T> implements AsyncIterable<T> {
  abstract [Symbol.asyncIterator](): AsyncIterator<T>;
}

export function isMapDataset<T>(x: unknown): x is MapDataset<T> {
  return typeof x === 'object' && x !== null && typeof (x as MapDataset<T>).getItem === 'function';
}

/** Throws a RangeError unless `index` is an integer in [0, length), naming the dataset. */
export function checkIndex(index: number, length: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${what}: index ${index} is out of range for a dataset of ${length} items`);
  }
}
