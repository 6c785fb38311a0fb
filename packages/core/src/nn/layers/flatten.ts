import type { tf } from '../../tf.js';
import { flatten } from '../functional/flatten.js';
import { Module } from '../module.js';
import { kwargs } from '../py-repr.js';
import { asLayer } from './layer-errors.js';

/**
 * Merges dimensions startDim..endDim, as torch.nn.Flatten: [N, C, H, W] → [N, C·H·W] by default, features in
 * PyTorch's NCHW order, so a Linear after it takes PyTorch's weights unchanged.
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () => flatten(input, this.startDim, this.endDim));
  }

  override extraRepr(): string {
    return kwargs({ start_dim: this.startDim, end_dim: this.endDim });
  }
}
