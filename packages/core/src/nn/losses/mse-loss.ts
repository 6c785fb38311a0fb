import { tf } from '../../tf.js';
import type { ElementwiseLossOptions } from './l1-loss.js';
import { Loss } from './loss.js';
import { checkFloat, checkSameShape } from './loss-checks.js';
import { checkReduction, type Reduction, reduce } from './reduction.js';

/** Mean squared error: ℓ_i = (x_i - y_i)², reduced by `reduction` (default 'mean'). Shapes must match. */
export function mseLoss(input: tf.Tensor, target: tf.Tensor, options: ElementwiseLossOptions = {}): tf.Tensor {
  return mse('mseLoss', input, target, options.reduction ?? 'mean');
}

function mse(name: string, input: tf.Tensor, target: tf.Tensor, reduction: Reduction): tf.Tensor {
  checkReduction(name, reduction);
  checkFloat(name, 'input', input);
  checkFloat(name, 'target', target);
  checkSameShape(name, input, target);
  return tf.tidy(() => reduce(tf.squaredDifference(input, target), reduction));
}

/** torch.nn.MSELoss: `forward(input, target)`, the mean squared error. See mseLoss. */
export class MSELoss extends Loss {
  constructor(options: ElementwiseLossOptions = {}) {
    super(options.reduction);
  }

  forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    return mse(this.typeName, input, target, this.reduction);
  }
}
