import { tf } from '@trainkit/core';
import { checkIndex, Dataset } from './dataset.js';
import { type ArrayTensor, isArrayTensor, shapeSize, type TypedArray } from './image-array.js';

/**
 * Wraps tensors that share their first dimension, like torch.utils.data.TensorDataset; item i is the tuple of
 * each tensor's i-th slice. The values are copied out of the tensors once (so the caller may dispose them) and
 * items are zero-copy `ArrayTensor` views, which the default collate stacks back into one tensor per batch with
 * the original dtype. A rank-1 tensor gives scalar items of shape [].
 */
export class TensorDataset extends Dataset<ArrayTensor[]> {
  private readonly arrays: { data: TypedArray; itemShape: number[]; itemSize: number }[];
  private readonly size: number;

  constructor(...tensors: (tf.Tensor | ArrayTensor)[]) {
    super();
    if (tensors.length === 0) throw new Error('TensorDataset: expected at least one tensor');
    this.arrays = tensors.map((t, k) => {
      const shape = t instanceof tf.Tensor ? t.shape : t.shape;
      if (shape.length === 0)
        throw new Error(`TensorDataset: tensor ${k} is a scalar; expected at least one dimension`);
      const data = t instanceof tf.Tensor ? (t.dataSync() as TypedArray) : t.data;
      if (isArrayTensor(t) && data.length !== shapeSize(shape)) {
        throw new Error(
          `TensorDataset: array ${k} has ${data.length} values but its shape [${shape.join(', ')}] needs ${shapeSize(shape)}`,
        );
      }
      const itemShape = shape.slice(1);
      return { data, itemShape, itemSize: shapeSize(itemShape) };
    });
    const sizes = tensors.map((t) => t.shape[0]!);
    this.size = sizes[0]!;
    if (sizes.some((s) => s !== this.size)) {
      throw new Error(`TensorDataset: size mismatch between tensors: first dimensions are [${sizes.join(', ')}]`);
    }
  }

  get length(): number {
    return this.size;
  }

  getItem(index: number): ArrayTensor[] {
    checkIndex(index, this.size, 'TensorDataset');
    return this.arrays.map(({ data, itemShape, itemSize }) => ({
      data: data.subarray(index * itemSize, (index + 1) * itemSize),
      shape: itemShape,
    }));
  }
}
