import { type SGDUpdateAttrs, sgdUpdateOp } from '../kernels/sgd-update.js';
import type { Parameter } from '../nn/parameter.js';
import { tf } from '../tf.js';
import { fusedUpdate } from './fused-update.js';
import { type BaseOptions, Optimizer, type ParamGroup, type ParamGroupInit, type ParamState } from './optimizer.js';

export interface SGDOptions extends BaseOptions {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * Stochastic gradient descent with optional momentum, as torch.optim.SGD (PyTorch 1.13):
 *
 *   g ← ∇θ (negated when maximize);  g ← g + λθ  (weight decay λ)
 *   b ← g on the first step, else μb + (1 - τ)g  (momentum μ ≠ 0, dampening τ)
 *   g ← g + μb (nesterov) or b;  θ ← θ - γg
 *
 * The momentum buffer is stored as `momentum_buffer` (null while momentum is 0, as PyTorch stores None). Where the
 * backend has the fused kernel (kernels/sgd-update.ts: cpu, wasm, native) the update runs as one kernel per parameter.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(
    params: Iterable<Parameter> | ParamGroupInit<SGDOptions>[],
    options: { lr: number } & Partial<SGDOptions>,
  ) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
  }

  protected override validate(group: ParamGroup<SGDOptions>): void {
    super.validate(group);
    const name = this.constructor.name;
    if (!(group.momentum >= 0)) throw new Error(`${name}: Invalid momentum value: ${group.momentum}`);
    if (!(group.weightDecay >= 0)) throw new Error(`${name}: Invalid weight_decay value: ${group.weightDecay}`);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new Error(
        `${name}: Nesterov momentum requires a momentum and zero dampening (got momentum ${group.momentum}, dampening ${group.dampening})`,
      );
    }
  }

  protected update(param: tf.Tensor, grad: tf.Tensor, group: ParamGroup<SGDOptions>, state: ParamState): tf.Tensor {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    const hyper: SGDUpdateAttrs = { lr, momentum, dampening, weightDecay, nesterov, maximize };
    const buf = momentum !== 0 ? this.stateTensor(state, 'momentum_buffer') : undefined;
    const next = fusedSgd(param, grad, buf, hyper) ?? singleTensorSgd(param, grad, buf, hyper);
    this.setState(state, 'momentum_buffer', next.momentumBuffer);
    return next.param;
  }
}

/** One parameter's new value and momentum buffer (null without momentum). */
interface SGDStep {
  param: tf.Tensor;
  momentumBuffer: tf.Tensor | null;
}

/** The update op by op (PyTorch's `_single_tensor_sgd`): the formula above, once. */
function singleTensorSgd(param: tf.Tensor, grad: tf.Tensor, buf: tf.Tensor | undefined, h: SGDUpdateAttrs): SGDStep {
  let d = h.maximize ? tf.neg(grad) : grad;
  if (h.weightDecay !== 0) d = tf.add(d, tf.mul(param, h.weightDecay));
  let momentumBuffer: tf.Tensor | null = null;
  if (h.momentum !== 0) {
    momentumBuffer = buf ? tf.add(tf.mul(buf, h.momentum), tf.mul(d, 1 - h.dampening)) : tf.clone(d);
    d = h.nesterov ? tf.add(d, tf.mul(momentumBuffer, h.momentum)) : momentumBuffer;
  }
  return { param: tf.sub(param, tf.mul(d, h.lr)), momentumBuffer };
}

/** The same update as one kernel (PyTorch's `_fused_sgd`), or undefined where the backend has none. */
function fusedSgd(
  param: tf.Tensor,
  grad: tf.Tensor,
  buf: tf.Tensor | undefined,
  h: SGDUpdateAttrs,
): SGDStep | undefined {
  const out = fusedUpdate(sgdUpdateOp, { param, grad, ...(buf ? { momentumBuffer: buf } : {}) }, h);
  if (!out) return undefined;
  const [next, momentumBuffer] = out as [tf.Tensor, tf.Tensor?];
  return { param: next, momentumBuffer: momentumBuffer ?? null };
}
