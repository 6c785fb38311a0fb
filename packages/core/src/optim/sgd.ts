import type { Parameter } from '../nn/parameter.js';
import { tf } from '../tf.js';
import { runFusedUpdate } from './kernels/optimizer-kernels.js';
import { SGD_UPDATE, type SGDUpdateAttrs } from './kernels/sgd-update-kernel.js';
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
 * The momentum buffer is stored as `momentum_buffer` (null while momentum is 0, as PyTorch stores None). On the cpu
 * and wasm backends the update runs as one fused kernel per parameter (kernels/sgd-update-kernel.ts).
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
    const prevBuf = momentum !== 0 ? this.stateTensor(state, 'momentum_buffer') : undefined;
    const fused = runFusedUpdate(SGD_UPDATE, { param, grad, ...(prevBuf ? { momentumBuffer: prevBuf } : {}) }, {
      lr,
      momentum,
      dampening,
      weightDecay,
      nesterov,
      maximize,
    } satisfies SGDUpdateAttrs);
    if (fused) {
      const [next, buf] = fused as [tf.Tensor, tf.Tensor?];
      this.setState(state, 'momentum_buffer', buf ?? null);
      return next;
    }
    let d = maximize ? tf.neg(grad) : grad;
    if (weightDecay !== 0) d = tf.add(d, tf.mul(param, weightDecay));
    if (momentum !== 0) {
      const prev = this.stateTensor(state, 'momentum_buffer');
      const buf = prev ? tf.add(tf.mul(prev, momentum), tf.mul(d, 1 - dampening)) : tf.clone(d);
      this.setState(state, 'momentum_buffer', buf);
      d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
    } else {
      this.setState(state, 'momentum_buffer', null);
    }
    return tf.sub(param, tf.mul(d, lr));
  }
}
