import type { tf } from '../../tf.js';
import { type AdaptiveSize, adaptiveAvgPool2d } from '../functional/adaptive-avg-pool2d.js';
import { Module } from '../module.js';
import { kwargs } from '../py-repr.js';
import { asLayer } from './layer-errors.js';

/**
 * Average pooling to a fixed output size whatever the input's, as torch.nn.AdaptiveAvgPool2d:
 * [N, C, H, W] → [N, C, oH, oW]; null in outputSize keeps that dimension.
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () => adaptiveAvgPool2d(input, this.outputSize));
  }

  override extraRepr(): string {
    return kwargs({ output_size: this.outputSize });
  }
}
