import { formatShape } from '../nn/module-error.js';
import { tf } from '../tf.js';

/**
 * The value of a one-element tensor as a JavaScript number, as PyTorch's `tensor.item()` (`loss.item()`); any shape
 * with one element will do ([], [1], [1, 1]). A bool tensor gives 1 or 0. Reads the value from the backend
 * synchronously, so call it once per step, not inside a loop over elements.
 */
export function item(t: tf.Tensor): number {
  if (!(t instanceof tf.Tensor)) throw new Error(`item: expected a tensor, got ${describe(t)}`);
  if (t.size !== 1) {
    throw new Error(
      `item: a Tensor with ${t.size} elements cannot be converted to a number (shape ${formatShape(t.shape)}); reduce it first (tf.sum, tf.mean) or index one element`,
    );
  }
  if (t.dtype === 'string') throw new Error(`item: a string tensor has no number (shape ${formatShape(t.shape)})`);
  return t.dataSync()[0] as number;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v;
}
