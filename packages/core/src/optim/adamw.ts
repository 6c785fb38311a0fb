import type { Parameter } from '../nn/parameter.js';
import { Adam, type AdamOptions } from './adam.js';
import type { ParamGroupInit } from './optimizer.js';

/**
 * AdamW, as torch.optim.AdamW (PyTorch 1.13): Adam with decoupled weight decay, applied to the parameter before
 * the Adam step instead of being added to the gradient:  θ ← θ(1 - γλ), then Adam's update with g = ∇θ.
 * The default weight decay is 1e-2.
 */
export class AdamW extends Adam {
  protected override readonly decoupledWeightDecay = true;

  constructor(params: Iterable<Parameter> | ParamGroupInit<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...options });
  }
}
