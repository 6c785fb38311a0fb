import type { tf } from '../../tf.js';
import { type GeluApproximate, gelu, leakyRelu, relu, sigmoid, tanh } from '../functional/activations.js';
import { isOptions } from '../functional/options.js';
import { logSoftmax, softmax } from '../functional/softmax.js';
import { Module } from '../module.js';
import { pyRepr } from '../py-repr.js';
import { asLayer } from './layer-errors.js';
import { pyFloat } from './py-float.js';

/** max(0, x), as torch.nn.ReLU. */
export class ReLU extends Module {
  forward(input: tf.Tensor): tf.Tensor {
    return relu(input);
  }
}

/** x for x > 0, negativeSlope·x otherwise, as torch.nn.LeakyReLU. */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope: number | { negativeSlope?: number } = 0.01) {
    super();
    this.negativeSlope = isOptions<{ negativeSlope?: number }>(negativeSlope)
      ? (negativeSlope.negativeSlope ?? 0.01)
      : negativeSlope;
  }

  forward(input: tf.Tensor): tf.Tensor {
    return leakyRelu(input, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

/** 1 / (1 + e^(−x)), as torch.nn.Sigmoid. */
export class Sigmoid extends Module {
  forward(input: tf.Tensor): tf.Tensor {
    return sigmoid(input);
  }
}

/** tanh(x), as torch.nn.Tanh. */
export class Tanh extends Module {
  forward(input: tf.Tensor): tf.Tensor {
    return tanh(input);
  }
}

/** x·Φ(x) with the exact erf form, or the tanh approximation with approximate 'tanh', as torch.nn.GELU. */
export class GELU extends Module {
  readonly approximate: GeluApproximate;

  constructor(approximate: GeluApproximate | { approximate?: GeluApproximate } = 'none') {
    super();
    this.approximate = isOptions<{ approximate?: GeluApproximate }>(approximate)
      ? (approximate.approximate ?? 'none')
      : approximate;
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new Error(`GELU: approximate must be 'none' or 'tanh', got '${this.approximate}'`);
    }
  }

  forward(input: tf.Tensor): tf.Tensor {
    return gelu(input, this.approximate);
  }

  override extraRepr(): string {
    return `approximate=${pyRepr(this.approximate)}`;
  }
}

type DimArg = number | null | { dim?: number | null };
const dimOf = (dim: DimArg): number | null => (isOptions<{ dim?: number | null }>(dim) ? (dim.dim ?? null) : dim);

/** exp(xᵢ) / Σⱼ exp(xⱼ) along dim, as torch.nn.Softmax. */
export class Softmax extends Module {
  readonly dim: number | null;

  constructor(dim: DimArg = null) {
    super();
    this.dim = dimOf(dim);
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () => softmax(input, this.dim));
  }

  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

/** xᵢ − log Σⱼ exp(xⱼ) along dim, as torch.nn.LogSoftmax. */
export class LogSoftmax extends Module {
  readonly dim: number | null;

  constructor(dim: DimArg = null) {
    super();
    this.dim = dimOf(dim);
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () => logSoftmax(input, this.dim));
  }

  override extraRepr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}
