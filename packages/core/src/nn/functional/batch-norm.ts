import { batchNormTrainKernel, canBatchNormTrain } from '../../kernels/batch-norm-train.js';
import { tf } from '../../tf.js';
import { formatShape } from '../module-error.js';
import { isOptions } from './options.js';
import { ShapeError } from './shape-error.js';

export interface BatchNormOptions {
  weight?: tf.Tensor | null;
  bias?: tf.Tensor | null;
  /** normalise with the batch's statistics (and update the running ones) rather than the running ones */
  training?: boolean;
  /** running = (1 − momentum)·running + momentum·batch */
  momentum?: number;
  eps?: number;
}

function checkStat(what: string, t: tf.Tensor | null | undefined, c: number): void {
  if (t && (t.rank !== 1 || t.shape[0] !== c))
    throw new ShapeError('batch_norm', `expected ${what} [${c}], got ${formatShape(t.shape)}`);
}

/**
 * Batch normalisation over channel dimension 1, as torch.nn.functional.batch_norm: input [N, C, *] →
 * (x − mean) / √(var + eps) · weight + bias, per channel. In training the batch's mean and biased variance
 * normalise, and the running statistics, which must then be tf.Variables, are updated in place with the unbiased
 * variance: running = (1 − momentum)·running + momentum·batch. Otherwise the running statistics normalise.
 * Options may be given positionally as in PyTorch (weight, bias, training, momentum, eps) or as one object.
 */
export function batchNorm(
  input: tf.Tensor,
  runningMean: tf.Tensor | null,
  runningVar: tf.Tensor | null,
  weight?: tf.Tensor | null | BatchNormOptions,
  bias?: tf.Tensor | null,
  training = false,
  momentum = 0.1,
  eps = 1e-5,
): tf.Tensor {
  const o: BatchNormOptions =
    isOptions<BatchNormOptions>(weight) && !(weight instanceof tf.Tensor)
      ? weight
      : { weight: weight as tf.Tensor | null | undefined, bias, training, momentum, eps };
  if (input.rank < 2) throw new ShapeError('batch_norm', `expected input [N, C, *], got ${formatShape(input.shape)}`);
  return normalizePerChannel(input, 1, runningMean, runningVar, o);
}

/**
 * batchNorm on an NHWC activation [N, H, W, C] (channels last), returning NHWC: BatchNorm2d's path into the
 * one-kernel form, which normalises over the last axis. The statistics are the same per-channel ones.
 */
export function batchNormChannelsLast(
  xh: tf.Tensor4D,
  runningMean: tf.Tensor | null,
  runningVar: tf.Tensor | null,
  o: BatchNormOptions,
): tf.Tensor4D {
  return normalizePerChannel(xh, 3, runningMean, runningVar, o) as tf.Tensor4D;
}

function normalizePerChannel(
  input: tf.Tensor,
  channelAxis: number,
  runningMean: tf.Tensor | null,
  runningVar: tf.Tensor | null,
  o: BatchNormOptions,
): tf.Tensor {
  const c = input.shape[channelAxis]!;
  checkStat('running_mean', runningMean, c);
  checkStat('running_var', runningVar, c);
  checkStat('weight', o.weight, c);
  checkStat('bias', o.bias, c);
  const statShape = input.shape.map((_, i) => (i === channelAxis ? c : 1));
  const axes = input.shape.map((_, i) => i).filter((i) => i !== channelAxis);
  const perChannel = (t: tf.Tensor) => tf.reshape(t, statShape);
  const isTraining = o.training ?? false;
  const m = o.momentum ?? 0.1;
  const epsilon = o.eps ?? 1e-5;
  return tf.tidy(() => {
    let normalized: tf.Tensor;
    if (isTraining) {
      const n = input.size / c;
      if (n <= 1) {
        const shape = channelAxis === 1 ? input.shape : [input.shape[0]!, c, ...input.shape.slice(1, -1)];
        throw new ShapeError(
          'batch_norm',
          `expected more than 1 value per channel when training, got input ${formatShape(shape)}`,
        );
      }
      // channels last (BatchNorm1d's [N, C], BatchNorm2d's transposed NCHW): one kernel where the backend has it
      if (channelAxis === input.rank - 1 && canBatchNormTrain(input, o.weight, o.bias)) {
        const { y, mean, variance } = batchNormTrainKernel(input, o.weight, o.bias, epsilon);
        updateRunning('running_mean', runningMean, mean, m);
        updateRunning('running_var', runningVar, tf.mul(variance, n / (n - 1)), m);
        return y;
      }
      const mean = tf.mean(input, axes, true);
      const centered = tf.sub(input, mean);
      const variance = tf.mean(tf.square(centered), axes, true);
      normalized = tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon)));
      updateRunning('running_mean', runningMean, tf.reshape(mean, [c]), m);
      updateRunning('running_var', runningVar, tf.mul(tf.reshape(variance, [c]), n / (n - 1)), m);
    } else {
      if (!runningMean || !runningVar) {
        throw new ShapeError('batch_norm', 'running_mean and running_var must be given when not training');
      }
      normalized = tf.mul(tf.sub(input, perChannel(runningMean)), perChannel(tf.rsqrt(tf.add(runningVar, epsilon))));
    }
    if (o.weight) normalized = tf.mul(normalized, perChannel(o.weight));
    if (o.bias) normalized = tf.add(normalized, perChannel(o.bias));
    return normalized;
  });
}

function updateRunning(what: string, running: tf.Tensor | null, batch: tf.Tensor, momentum: number): void {
  if (!running) return;
  if (!(running instanceof tf.Variable)) {
    throw new Error(
      `batch_norm: in training mode ${what} is updated in place and must be a tf.Variable (or null to skip it)`,
    );
  }
  running.assign(tf.add(tf.mul(running, 1 - momentum), tf.mul(batch, momentum)));
}
