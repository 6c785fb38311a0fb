import { checkIndex, Dataset, type MapDataset } from './dataset.js';

/** Several datasets one after another, like torch.utils.data.ConcatDataset. */
export class ConcatDataset<T> extends Dataset<T> {
  /** cumulativeSizes[k] = number of items in datasets 0..k, as PyTorch's `cumulative_sizes`. */
  readonly cumulativeSizes: number[];

  constructor(readonly datasets: MapDataset<T>[]) {
    super();
    if (datasets.length === 0) throw new Error('ConcatDataset: expected at least one dataset');
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => (total += d.length));
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  getItem(index: number): T | Promise<T> {
    checkIndex(index, this.length, 'ConcatDataset');
    // bisect_right: the first dataset whose cumulative size exceeds the index
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulativeSizes[mid]! <= index) lo = mid + 1;
      else hi = mid;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1]!;
    return this.datasets[lo]!.getItem(index - start);
  }
}
