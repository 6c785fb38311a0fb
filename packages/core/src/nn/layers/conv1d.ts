import type { tf } from '../../tf.js';
import { conv1d } from '../functional/conv1d.js';
import type { IntOrSingle } from '../functional/ntuple.js';
import { ConvNd, type ConvOptions } from './conv.js';
import { asLayer } from './layer-errors.js';

export type Conv1dLayerOptions = ConvOptions<IntOrSingle>;

/**
 * 1-d convolution over [N, C, L] sequences, as torch.nn.Conv1d: [N, in_channels, L] → [N, out_channels, L_out],
 * L_out = ⌊(L + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1; weight [out_channels, in_channels/groups, k].
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrSingle, options: Conv1dLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }

  forward(input: tf.Tensor): tf.Tensor {
    const { stride, padding, dilation, groups } = this;
    return asLayer(this, () =>
      conv1d(input, this.weight.data, this.bias?.data, {
        stride: stride as [number],
        padding: padding as [number] | 'same' | 'valid',
        dilation: dilation as [number],
        groups,
      }),
    );
  }
}
