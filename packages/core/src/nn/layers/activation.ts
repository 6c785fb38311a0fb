import type { tf } from '../../tf.js';
import { type GeluApproximate, gelu, leakyRelu, relu, sigmoid, tanh } from '../functional/activations.js';
import { isOptions } from '../functional/options.js';
import { logSoftmax, softmax } from '../functional/softmax.js';
import { Module } from '../module.js';
import { pyRepr } from '../py-repr.js';
import { asLayer } from './layer-errors.js';
import { pyFloat } from './py-float.js';

export interface ReLUOptions {
  /**
   * PyTorch's `inplace=True`, accepted so that PyTorch models port as written: tfjs tensors are immutable, so the
   * result is always a new tensor, equal to the out-of-place one, and the input is left as it was. Shown by toString()
   * as PyTorch prints it.
   */
  inplace?: boolean;
}

/** max(0, x), as torch.nn.ReLU: `new nn.ReLU()` or `new nn.ReLU({ inplace: true })`. */
export class ReLU extends Module {
  readonly inplace: boolean;

  constructor(options: ReLUOptions = {}) {
    super();
    // nn.ReLU(True) in PyTorch code: a positional flag would be ignored silently here, so it is refused.
    if (!isOptions<ReLUOptions>(options)) {
      throw new Error(`ReLU: expected an options object such as { inplace: true }, got ${String(options)}`);
    }
    if (options.inplace !== undefined && typeof options.inplace !== 'boolean') {
      throw new Error(`ReLU: inplace must be a boolean, got ${String(options.inplace)}`);
    }
    this.inplace = options.inplace ?? false;
  }

  forward(input: tf.Tensor): tf.Tensor {
    return relu(input);
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
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
