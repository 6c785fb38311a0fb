import type { Generator } from '../../random/generator.js';
import type { tf } from '../../tf.js';
import { checkDropoutP, dropout, dropout2d } from '../functional/dropout.js';
import { isOptions } from '../functional/options.js';
import { Module } from '../module.js';
import { pyRepr } from '../py-repr.js';
import { pyFloat } from './py-float.js';

export interface DropoutLayerOptions {
  p?: number;
  /** accepted for PyTorch's signature; tfjs tensors are immutable, so a new tensor is returned either way */
  inplace?: boolean;
  /** the stream masks are drawn from; defaults to defaultGenerator */
  generator?: Generator;
}

/**
 * In training, zeroes each element with probability p and scales the rest by 1/(1 − p), as torch.nn.Dropout; in
 * eval mode the identity.
 */
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;
  readonly #generator: Generator | undefined;

  constructor(p: number | DropoutLayerOptions = 0.5, options: Omit<DropoutLayerOptions, 'p'> = {}) {
    super();
    const o: DropoutLayerOptions = isOptions<DropoutLayerOptions>(p) ? p : { ...options, p };
    this.p = o.p ?? 0.5;
    checkDropoutP(this.p);
    this.inplace = o.inplace ?? false;
    this.#generator = o.generator;
  }

  forward(input: tf.Tensor): tf.Tensor {
    return this.drop(input, { p: this.p, training: this.training, generator: this.#generator });
  }

  protected drop(
    input: tf.Tensor,
    options: { p: number; training: boolean; generator: Generator | undefined },
  ): tf.Tensor {
    return dropout(input, options);
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
}

/** Zeroes whole channels of NCHW feature maps in training, as torch.nn.Dropout2d; in eval mode the identity. */
export class Dropout2d extends Dropout {
  protected override drop(
    input: tf.Tensor,
    options: { p: number; training: boolean; generator: Generator | undefined },
  ): tf.Tensor {
    return dropout2d(input, options);
  }
}
