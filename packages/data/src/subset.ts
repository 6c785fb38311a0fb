import { checkIndex, Dataset, type MapDataset } from './dataset.js';

/** The items of `dataset` at `indices`, in that order, like torch.utils.data.Subset. */
export class Subset<T> extends Dataset<T> {
  constructor(
    readonly dataset: MapDataset<T>,
    readonly indices: ArrayLike<number>,
  ) {
    super();
  }

  get length(): number {
    return this.indices.length;
  }

  getItem(index: number): T | Promise<T> {
    checkIndex(index, this.indices.length, 'Subset');
    return this.dataset.getItem(this.indices[index]!);
  }
}
