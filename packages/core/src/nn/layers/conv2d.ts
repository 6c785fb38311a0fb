import type { tf } from '../../tf.js';
import { conv2d } from '../functional/conv2d.js';
import type { IntOrPair } from '../functional/ntuple.js';
import { ConvNd, type ConvOptions } from './conv.js';
import { asLayer } from './layer-errors.js';

export type Conv2dLayerOptions = ConvOptions<IntOrPair>;

/**
 * 2-d convolution over NCHW images, as torch.nn.Conv2d: [N, in_channels, H, W] → [N, out_channels, H_out, W_out],
 * H_out = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1; weight [out_channels, in_channels/groups, kH, kW].
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrPair, options: Conv2dLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }

  forward(input: tf.Tensor): tf.Tensor {
    return asLayer(this, () => conv2d(input, this.weight.data, this.bias?.data, this.#options()));
  }

  #options() {
    return {
      stride: this.stride as [number, number],
      padding: this.padding as [number, number] | 'same' | 'valid',
      dilation: this.dilation as [number, number],
      groups: this.groups,
    };
  }
}
