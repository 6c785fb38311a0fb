import { canBatchNormTrain } from '../../kernels/batch-norm-train.js';
import { tf } from '../../tf.js';
import { batchNorm, batchNormChannelsLast, type BatchNormOptions as NormOptions } from '../functional/batch-norm.js';
import { toNCHW, toNHWC } from '../functional/layout.js';
import { Module } from '../module.js';
import { formatShape, ModuleError } from '../module-error.js';
import { Parameter } from '../parameter.js';
import { pyRepr } from '../py-repr.js';
import { asLayer } from './layer-errors.js';
import { pyFloat } from './py-float.js';

export interface BatchNormOptions {
  eps?: number;
  /** weight of the current batch in the running statistics; null for a cumulative average (default 0.1) */
  momentum?: number | null;
  /** learn a per-channel weight (starting at 1) and bias (starting at 0) */
  affine?: boolean;
  /** keep running_mean and running_var for eval mode; without them batch statistics are always used */
  trackRunningStats?: boolean;
}

/** A buffer F.batchNorm can update in place. */
function asVariable(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t, false);
  t.dispose();
  return v;
}

/**
 * What BatchNorm1d and BatchNorm2d share, as PyTorch's _BatchNorm: y = (x − E[x]) / √(Var[x] + eps)·γ + β per
 * channel (dimension 1). In training, batch statistics normalise and the buffers running_mean, running_var (with the
 * unbiased batch variance) and num_batches_tracked are updated; in eval the running statistics normalise.
 */
export abstract class BatchNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(tf.ones([numFeatures])) : null;
    this.bias = this.affine ? new Parameter(tf.zeros([numFeatures])) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', asVariable(tf.zeros([numFeatures])));
      this.registerBuffer('running_var', asVariable(tf.ones([numFeatures])));
      this.registerBuffer('num_batches_tracked', asVariable(tf.scalar(0, 'int32')));
    }
  }

  /** Throws a ModuleError unless the input has this layer's rank and numFeatures channels. */
  protected abstract checkInput(input: tf.Tensor): void;

  protected badInput(expected: string, input: tf.Tensor): ModuleError {
    return new ModuleError(this, `expected input ${expected}, got ${formatShape(input.shape)}`);
  }

  /** Loaded statistics are wrapped as variables again, since the update assigns to them in place. */
  override setBuffer(name: string, tensor: tf.Tensor): void {
    super.setBuffer(name, tensor instanceof tf.Variable ? tensor : asVariable(tensor));
  }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this.setBuffer('running_mean', tf.zeros([this.numFeatures]));
    this.setBuffer('running_var', tf.ones([this.numFeatures]));
    this.setBuffer('num_batches_tracked', tf.scalar(0, 'int32'));
  }

  forward(input: tf.Tensor): tf.Tensor {
    this.checkInput(input);
    return this.normalize((running, o) => batchNorm(input, running('running_mean'), running('running_var'), o));
  }

  /** Counts the batch and runs `fn` with the running statistics (or null) and this step's options. */
  protected normalize<T>(fn: (running: (name: string) => tf.Tensor | null, o: NormOptions) => T): T {
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats) {
      const count = this.getBuffer('num_batches_tracked') as tf.Variable;
      tf.tidy(() => count.assign(tf.add(count, tf.scalar(1, 'int32'))));
      if (this.momentum === null) factor = 1 / count.dataSync()[0]!;
    }
    // without tracked statistics there are no buffers, and batch statistics normalise in eval mode too
    const running = (name: string) => (this.trackRunningStats ? this.getBuffer(name) : null);
    return asLayer(this, () =>
      fn(running, {
        weight: this.weight?.data,
        bias: this.bias?.data,
        training: this.training || !this.trackRunningStats,
        momentum: factor,
        eps: this.eps,
      }),
    );
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyRepr(this.affine)}, track_running_stats=${pyRepr(this.trackRunningStats)}`;
  }
}

/** Batch normalisation of [N, C] or [N, C, L] inputs, as torch.nn.BatchNorm1d. */
export class BatchNorm1d extends BatchNorm {
  protected checkInput(input: tf.Tensor): void {
    if ((input.rank !== 2 && input.rank !== 3) || input.shape[1] !== this.numFeatures) {
      throw this.badInput(`[N, ${this.numFeatures}] or [N, ${this.numFeatures}, L]`, input);
    }
  }
}

/** Batch normalisation of [N, C, H, W] images, as torch.nn.BatchNorm2d. */
export class BatchNorm2d extends BatchNorm {
  protected checkInput(input: tf.Tensor): void {
    if (input.rank !== 4 || input.shape[1] !== this.numFeatures) {
      throw this.badInput(`[N, ${this.numFeatures}, H, W]`, input);
    }
  }

  /**
   * In training, where the backend has the one-kernel batch norm (BATCH_NORM_TRAIN), which reads channels last, the
   * NCHW input is transposed into it and back, as convolution and pooling transpose around tfjs's NHWC kernels.
   */
  override forward(input: tf.Tensor): tf.Tensor {
    this.checkInput(input);
    return this.normalize((running, o) => {
      const mean = running('running_mean');
      const variance = running('running_var');
      if (!o.training || !canBatchNormTrain(input, o.weight, o.bias)) return batchNorm(input, mean, variance, o);
      return tf.tidy(() => toNCHW(batchNormChannelsLast(toNHWC(input), mean, variance, o)));
    });
  }
}
