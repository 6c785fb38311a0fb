import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';

/** Throws unless input and target have the same shape (the elementwise losses do not broadcast). */
export function checkSameShape(lossName: string, input: tf.Tensor, target: tf.Tensor): void {
  if (!tf.util.arraysEqual(input.shape, target.shape)) {
    throw new Error(
      `${lossName}: expected target of the input's shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}`,
    );
  }
}

/** Throws unless `t` is float32 (inputs, probability targets, weights). */
export function checkFloat(lossName: string, what: string, t: tf.Tensor): void {
  if (t.dtype !== 'float32') throw new Error(`${lossName}: expected ${what} of dtype float32, got ${t.dtype}`);
}

/** Throws unless `weight` can be multiplied elementwise with a tensor of shape `shape` (numpy broadcasting). */
export function checkBroadcastable(lossName: string, what: string, weight: tf.Tensor, shape: number[]): void {
  const ok =
    weight.rank <= shape.length &&
    weight.shape.every((d, i) => {
      const other = shape[shape.length - weight.rank + i]!;
      return d === 1 || d === other;
    });
  if (!ok) {
    throw new Error(
      `${lossName}: ${what} of shape ${formatShape(weight.shape)} does not broadcast to the input's shape ${formatShape(shape)}`,
    );
  }
}
