import type { Generator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { linear } from '../functional/linear.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { kwargs } from '../py-repr.js';
import { resetAffine } from './default-init.js';
import { asLayer } from './layer-errors.js';

export interface LinearOptions {
  /** learn an additive bias (default true) */
  bias?: boolean;
  /** the stream the initial weights are drawn from; defaults to defaultGenerator */
  generator?: Generator;
}

/**
 * y = x·Wᵀ + b, as torch.nn.Linear. input [*, in_features] → [*, out_features]; weight [out_features, in_features]
 * and bias [out_features] start as U(−1/√in_features, 1/√in_features).
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    this.weight = new Parameter(tf.zeros([outFeatures, inFeatures]));
    this.bias = (options.bias ?? true) ? new Parameter(tf.zeros([outFeatures])) : null;
    this.resetParameters(options.generator);
  }

  resetParameters(generator?: Generator): void {
    resetAffine(this.weight, this.bias, generator);
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () => linear(input, this.weight.data, this.bias?.data));
  }

  override extraRepr(): string {
    return kwargs({ in_features: this.inFeatures, out_features: this.outFeatures, bias: this.bias !== null });
  }
}
