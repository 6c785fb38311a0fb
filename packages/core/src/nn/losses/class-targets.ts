import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';

/**
 * Checks class-index targets for input [N, C, d1…] (target [N, d1…]) or unbatched input [C] (target []): dtype,
 * shape, and that every target is in [0, C) or equals ignoreIndex (the range check reads the targets back).
 */
export function checkClassTargets(lossName: string, input: tf.Tensor, target: tf.Tensor, ignoreIndex: number): void {
  checkClassTargetShape(lossName, input, target);
  if (target.size === 0) return;
  const numClasses = input.rank === 1 ? input.shape[0]! : input.shape[1]!;
  // one read of the targets and a scan here, rather than six kernels (where, min, max, stack…) and a read of two
  // numbers: the targets are small (one index per sample or pixel) and already in memory on the cpu and wasm backends
  checkClassTargetRange(lossName, target.dataSync() as Int32Array, numClasses, ignoreIndex, input.shape, target.shape);
}

/** The dtype and shape half of checkClassTargets, which reads no data: for kernels that range-check as they go. */
export function checkClassTargetShape(lossName: string, input: tf.Tensor, target: tf.Tensor): void {
  if (target.dtype !== 'int32') {
    throw new Error(
      `${lossName}: expected class-index targets of dtype int32, got ${target.dtype} (target ${formatShape(target.shape)})`,
    );
  }
  if (input.rank === 0) throw new Error(`${lossName}: expected input [N, C, …] or [C], got a scalar`);
  const expected = input.rank === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (!tf.util.arraysEqual(target.shape, expected)) {
    const detail =
      input.rank > 1 && target.rank > 0 && target.shape[0] !== input.shape[0]
        ? `target batch size ${target.shape[0]} does not match input batch size ${input.shape[0]}`
        : `expected target ${formatShape(expected)}`;
    throw new Error(`${lossName}: ${detail} (input ${formatShape(input.shape)}, target ${formatShape(target.shape)})`);
  }
}

/**
 * The value half of checkClassTargets, on the targets' own memory: throws unless each is in [0, numClasses) or is
 * ignoreIndex, naming the most negative target if any is negative, else the largest.
 */
export function checkClassTargetRange(
  lossName: string,
  targets: Int32Array,
  numClasses: number,
  ignoreIndex: number,
  inputShape: readonly number[],
  targetShape: readonly number[],
): void {
  let lo = 0;
  let hi = 0;
  for (const v of targets) {
    if (v === ignoreIndex) continue;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  if (lo < 0 || hi >= numClasses) {
    throw new Error(
      `${lossName}: target ${lo < 0 ? lo : hi} is out of bounds: expected class indices in [0, ${numClasses}) or ignoreIndex ${ignoreIndex} (input ${formatShape(inputShape)}, target ${formatShape(targetShape)})`,
    );
  }
}

/** Throws unless a per-class weight is a float32 vector of C entries. */
export function checkClassWeight(lossName: string, weight: tf.Tensor, numClasses: number): void {
  if (weight.rank !== 1 || weight.shape[0] !== numClasses || weight.dtype !== 'float32') {
    throw new Error(
      `${lossName}: expected a float32 weight of shape [${numClasses}] (one per class), got ${weight.dtype} ${formatShape(weight.shape)}`,
    );
  }
}

/** Moves axis 1 (classes) last: [N, C, d1…] → [N, d1…, C]; rank ≤ 2 inputs are returned as they are. */
export function classesLast(x: tf.Tensor): tf.Tensor {
  if (x.rank <= 2) return x;
  const perm = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
  return tf.transpose(x, perm);
}
