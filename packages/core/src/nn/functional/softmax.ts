import { tf } from '../../tf.js';
import { normalizeDim } from './dims.js';

/** PyTorch's choice when dim is not given (deprecated there): 0 for ranks 0, 1 and 3, else 1. */
function implicitDim(rank: number): number {
  return rank === 0 || rank === 1 || rank === 3 ? 0 : 1;
}

/** Runs a last-axis op along `dim`: tfjs's softmax kernels only reduce over the last axis. */
function alongDim(op: string, input: tf.Tensor, dim: number | null | undefined, fn: (x: tf.Tensor) => tf.Tensor) {
  const d = normalizeDim(op, dim ?? implicitDim(input.rank), input.rank);
  const last = input.rank - 1;
  if (d === last || input.rank === 0) return fn(input);
  const perm = input.shape.map((_, i) => (i === d ? last : i === last ? d : i));
  return tf.tidy(() => tf.transpose(fn(tf.transpose(input, perm)), perm));
}

/** exp(xᵢ) / Σⱼ exp(xⱼ) along dim, as torch.nn.functional.softmax. */
export function softmax(input: tf.Tensor, dim?: number | null): tf.Tensor {
  return alongDim('softmax', input, dim, (x) => tf.softmax(x));
}

/** xᵢ − log Σⱼ exp(xⱼ) along dim, as torch.nn.functional.log_softmax. */
export function logSoftmax(input: tf.Tensor, dim?: number | null): tf.Tensor {
  return alongDim('log_softmax', input, dim, (x) => tf.logSoftmax(x));
}
