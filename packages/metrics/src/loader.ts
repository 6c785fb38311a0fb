import { tf } from '@trainkit/core';
import { describeValue } from './read-scalars.js';

/**
 * One batch as a DataLoader yields it: inputs and targets first (further elements are ignored). A plain tensor array
 * is accepted too (what a TensorDataset collates to); each batch is checked when it arrives.
 */
export type Batch = readonly [tf.Tensor, tf.Tensor, ...unknown[]] | readonly tf.Tensor[];

/**
 * Anything that yields [x, y] batches: @trainkit/data's DataLoader, an async generator, or a plain array of batches.
 * A structural type so that @trainkit/metrics does not depend on @trainkit/data.
 */
export type Loader = AsyncIterable<Batch> | Iterable<Batch>;

export interface BatchOptions {
  /**
   * Dispose each batch's x and y once it has been used (default true). A DataLoader hands out fresh tensors that
   * the consumer owns, so by default the evaluation loop frees them; pass false when iterating tensors you keep
   * (an array of batches reused across epochs). Disposing twice is harmless in tfjs, so a loader that also frees
   * its batches does not conflict.
   */
  disposeBatches?: boolean;
}

function disposeAll(batch: unknown): void {
  if (Array.isArray(batch)) for (const t of batch) if (t instanceof tf.Tensor) t.dispose();
}

/**
 * Iterates a loader's [x, y] batches, checking each one and disposing it (by default) when the consumer moves on,
 * also when the consumer throws or breaks out of the loop.
 */
export async function* batches(
  loader: Loader,
  where: string,
  options: BatchOptions = {},
): AsyncGenerator<[tf.Tensor, tf.Tensor]> {
  const dispose = options.disposeBatches ?? true;
  if (loader === null || typeof loader !== 'object' || !(Symbol.asyncIterator in loader || Symbol.iterator in loader)) {
    throw new TypeError(
      `${where}: loader must be iterable (a DataLoader, an array or a generator of [x, y] batches), got ${describeValue(loader)}`,
    );
  }
  let index = 0;
  for await (const batch of loader as AsyncIterable<unknown>) {
    if (!Array.isArray(batch) || !(batch[0] instanceof tf.Tensor) || !(batch[1] instanceof tf.Tensor)) {
      if (dispose) disposeAll(batch);
      throw new TypeError(`${where}: batch ${index} is ${describeValue(batch)}, expected [x, y] tensors`);
    }
    const [x, y] = batch as [tf.Tensor, tf.Tensor];
    try {
      yield [x, y];
    } finally {
      if (dispose) {
        x.dispose();
        y.dispose();
      }
    }
    index++;
  }
}
