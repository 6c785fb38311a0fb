import type { Generator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { convTranspose2d } from '../functional/conv-transpose2d.js';
import { type IntOrPair, pair } from '../functional/ntuple.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyRepr } from '../py-repr.js';
import { resetAffine } from './default-init.js';
import { asLayer } from './layer-errors.js';

export interface ConvTranspose2dLayerOptions {
  stride?: IntOrPair;
  padding?: IntOrPair;
  outputPadding?: IntOrPair;
  bias?: boolean;
  /** the stream the initial weights are drawn from; defaults to defaultGenerator */
  generator?: Generator;
}

/**
 * A transposed 2-d convolution (a learnable upsampling), as torch.nn.ConvTranspose2d: weight [in, out, kH, kW] and
 * bias [out] start as PyTorch's (kaiming_uniform_ with a = √5 on that shape). groups and dilation are not offered.
 */
export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: IntOrPair,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    this.kernelSize = pair(kernelSize, 'ConvTranspose2d kernel_size');
    this.stride = pair(options.stride ?? 1, 'ConvTranspose2d stride');
    this.padding = pair(options.padding ?? 0, 'ConvTranspose2d padding');
    this.outputPadding = pair(options.outputPadding ?? 0, 'ConvTranspose2d output_padding');
    if (this.outputPadding.some((v, i) => v >= this.stride[i]!)) {
      throw new Error(
        `ConvTranspose2d: output_padding (${this.outputPadding.join(', ')}) must be smaller than stride (${this.stride.join(', ')})`,
      );
    }
    this.weight = new Parameter(tf.zeros([inChannels, outChannels, ...this.kernelSize]));
    this.bias = (options.bias ?? true) ? new Parameter(tf.zeros([outChannels])) : null;
    this.resetParameters(options.generator);
  }

  resetParameters(generator?: Generator): void {
    resetAffine(this.weight, this.bias, generator);
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () =>
      convTranspose2d(input, this.weight.data, this.bias?.data, {
        stride: this.stride,
        padding: this.padding,
        outputPadding: this.outputPadding,
      }),
    );
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${pyRepr(this.padding)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyRepr(this.outputPadding)}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
