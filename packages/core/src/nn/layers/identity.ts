import type { tf } from '../../tf.js';
import { Module } from '../module.js';

/** Returns its input, as torch.nn.Identity: a placeholder that keeps a model's layer numbering. */
export class Identity extends Module {
  // PyTorch's Identity accepts and ignores any arguments, so that it can stand in for any layer.
  constructor(..._args: unknown[]) {
    super();
  }

  forward(input: tf.Tensor): tf.Tensor {
    return input;
  }
}
