import { tf } from '../../tf.js';
import { Loss } from './loss.js';
import { checkFloat, checkSameShape } from './loss-checks.js';
import { checkReduction, type Reduction, reduce } from './reduction.js';

export interface ElementwiseLossOptions {
  reduction?: Reduction;
}

/**
 * Mean absolute error: ℓ_i = |x_i - y_i|, reduced by `reduction` (default 'mean'). Input and target must have the
 * same shape: PyTorch broadcasts them with a warning, which is almost always a bug, so trainkit refuses.
 */
export function l1Loss(input: tf.Tensor, target: tf.Tensor, options: ElementwiseLossOptions = {}): tf.Tensor {
  return l1('l1Loss', input, target, options.reduction ?? 'mean');
}

function l1(name: string, input: tf.Tensor, target: tf.Tensor, reduction: Reduction): tf.Tensor {
  checkReduction(name, reduction);
  checkFloat(name, 'input', input);
  checkFloat(name, 'target', target);
  checkSameShape(name, input, target);
  return tf.tidy(() => {
    const diff = tf.sub(input, target);
    // sign(d)·d is |d| with PyTorch's gradient sign(d), which is 0 at d = 0; tf.abs's gradient there is -1.
    return reduce(tf.mul(tf.sign(diff), diff), reduction);
  });
}

/** torch.nn.L1Loss: `forward(input, target)`, the mean absolute error. See l1Loss. */
export class L1Loss extends Loss {
  constructor(options: ElementwiseLossOptions = {}) {
    super(options.reduction);
  }

  forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    return l1(this.typeName, input, target, this.reduction);
  }
}
