import type { tf } from '../../tf.js';
import { type MaxPool2dOptions, maxPool2d } from '../functional/max-pool2d.js';
import type { IntOrPair } from '../functional/ntuple.js';
import { isOptions } from '../functional/options.js';
import { Module } from '../module.js';
import { kwargs } from '../py-repr.js';
import { asLayer } from './layer-errors.js';

/**
 * 2-d max pooling over NCHW images, as torch.nn.MaxPool2d; stride defaults to kernelSize.
 * [N, C, H, W] → [N, C, H_out, W_out], H_out = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1, ⌈⌉ with
 * ceilMode (a last window must start inside the input or the left padding).
 */
export class MaxPool2d extends Module {
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly dilation: IntOrPair;
  readonly ceilMode: boolean;

  constructor(kernelSize: IntOrPair, stride: IntOrPair | null | MaxPool2dOptions = null) {
    super();
    const o: MaxPool2dOptions = isOptions<MaxPool2dOptions>(stride) ? stride : { stride };
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.ceilMode = o.ceilMode ?? false;
  }

  forward(input: tf.Tensor): tf.Tensor {
    const { stride, padding, dilation, ceilMode } = this;
    return asLayer(this, () => maxPool2d(input, this.kernelSize, { stride, padding, dilation, ceilMode }));
  }

  override extraRepr(): string {
    return kwargs({
      kernel_size: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceil_mode: this.ceilMode,
    });
  }
}
