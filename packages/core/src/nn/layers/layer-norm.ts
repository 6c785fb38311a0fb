import { tf } from '../../tf.js';
import { layerNorm } from '../functional/layer-norm.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { kwargs, pyRepr } from '../py-repr.js';
import { asLayer } from './layer-errors.js';

export interface LayerNormOptions {
  /** default 1e-5 */
  eps?: number;
  /** learn a weight (starting at 1) and bias (starting at 0) of normalizedShape (default true) */
  elementwiseAffine?: boolean;
}

/**
 * Layer normalisation over the last dimensions, as torch.nn.LayerNorm: statistics per sample (not per batch, so
 * train and eval behave alike).
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || this.normalizedShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`LayerNorm: normalized_shape must be positive integers, got ${JSON.stringify(normalizedShape)}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? new Parameter(tf.ones(this.normalizedShape)) : null;
    this.bias = this.elementwiseAffine ? new Parameter(tf.zeros(this.normalizedShape)) : null;
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () => layerNorm(input, this.normalizedShape, this.weight?.data, this.bias?.data, this.eps));
  }

  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, ${kwargs({ eps: this.eps, elementwise_affine: this.elementwiseAffine })}`;
  }
}
