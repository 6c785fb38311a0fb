import type { Generator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { ntuple } from '../functional/ntuple.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyRepr } from '../py-repr.js';
import { resetAffine } from './default-init.js';

export interface ConvOptions<T> {
  stride?: T;
  /** zeros on both sides of each dimension, or 'same' (stride 1 only) or 'valid' (none) */
  padding?: T | 'same' | 'valid';
  dilation?: T;
  groups?: number;
  /** learn an additive bias (default true) */
  bias?: boolean;
  /** only 'zeros' is supported */
  paddingMode?: 'zeros';
  /** the stream the initial weights are drawn from; defaults to defaultGenerator */
  generator?: Generator;
}

/**
 * What Conv1d and Conv2d share, as PyTorch's _ConvNd: argument checks, the weight
 * [out_channels, in_channels/groups, *kernel_size] and bias [out_channels] drawn from U(−1/√fan_in, 1/√fan_in),
 * fan_in = in_channels/groups·∏kernel_size, and the repr.
 */
export abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: string;

  constructor(
    n: number,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions<number | readonly number[]>,
  ) {
    super();
    const name = this.typeName;
    this.kernelSize = ntuple(kernelSize, n, `${name} kernel_size`);
    this.stride = ntuple(options.stride ?? 1, n, `${name} stride`);
    this.dilation = ntuple(options.dilation ?? 1, n, `${name} dilation`);
    const padding = options.padding ?? 0;
    if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') {
      throw new Error(`${name}: invalid padding string '${padding}', should be one of 'valid', 'same'`);
    }
    this.padding = typeof padding === 'string' ? padding : ntuple(padding, n, `${name} padding`);
    this.groups = options.groups ?? 1;
    this.paddingMode = options.paddingMode ?? 'zeros';
    if (!Number.isInteger(this.groups) || this.groups < 1)
      throw new Error(`${name}: groups must be a positive integer, got ${this.groups}`);
    if (inChannels % this.groups !== 0)
      throw new Error(`${name}: in_channels ${inChannels} must be divisible by groups ${this.groups}`);
    if (outChannels % this.groups !== 0)
      throw new Error(`${name}: out_channels ${outChannels} must be divisible by groups ${this.groups}`);
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) {
      throw new Error(`${name}: padding='same' is not supported for strided convolutions`);
    }
    if (this.paddingMode !== 'zeros')
      throw new Error(`${name}: padding_mode '${this.paddingMode}' is not supported, only 'zeros'`);
    this.weight = new Parameter(tf.zeros([outChannels, inChannels / this.groups, ...this.kernelSize]));
    this.bias = (options.bias ?? true) ? new Parameter(tf.zeros([outChannels])) : null;
    this.resetParameters(options.generator);
  }

  resetParameters(generator?: Generator): void {
    resetAffine(this.weight, this.bias, generator);
  }

  /** PyTorch's _ConvNd.extra_repr: only the settings that differ from the defaults after stride. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyRepr(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyRepr(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}
