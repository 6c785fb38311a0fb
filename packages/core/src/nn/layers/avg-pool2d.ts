import type { tf } from '../../tf.js';
import { type AvgPool2dOptions, avgPool2d } from '../functional/avg-pool2d.js';
import type { IntOrPair } from '../functional/ntuple.js';
import { isOptions } from '../functional/options.js';
import { Module } from '../module.js';
import { kwargs } from '../py-repr.js';
import { asLayer } from './layer-errors.js';

/**
 * 2-d average pooling over NCHW images, as torch.nn.AvgPool2d; stride defaults to kernelSize. With
 * countIncludePad (the default) padding zeros count in each window's divisor; the ceil-mode overhang never does.
 */
export class AvgPool2d extends Module {
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: IntOrPair, stride: IntOrPair | null | AvgPool2dOptions = null) {
    super();
    const o: AvgPool2dOptions = isOptions<AvgPool2dOptions>(stride) ? stride : { stride };
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    this.divisorOverride = o.divisorOverride ?? null;
  }

  forward(input: tf.Tensor): tf.Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return asLayer(this, () =>
      avgPool2d(input, this.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride }),
    );
  }

  /** PyTorch prints only these three. */
  override extraRepr(): string {
    return kwargs({ kernel_size: this.kernelSize, stride: this.stride, padding: this.padding });
  }
}
