import type { tf } from '../../tf.js';
import { Module } from '../module.js';
import { checkReduction, type Reduction } from './reduction.js';

/**
 * Base of the loss modules, like PyTorch's _Loss: holds `reduction` and computes `forward(input, target)` with the
 * matching functional form. Per-class weights are buffers (`weight`, `pos_weight`) so they appear in the state dict
 * as in PyTorch; a module keeps its own copy of a weight it is given.
 */
export abstract class Loss extends Module {
  readonly reduction: Reduction;

  constructor(reduction: Reduction = 'mean') {
    super();
    checkReduction(this.typeName, reduction);
    this.reduction = reduction;
  }

  abstract override forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor;

  /** The buffer registered under `name`, or null when the loss was built without it. */
  protected optionalBuffer(name: string): tf.Tensor | null {
    return this.ownBuffers().find(([n]) => n === name)?.[1] ?? null;
  }
}
