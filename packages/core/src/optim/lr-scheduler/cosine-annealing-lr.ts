import type { BaseOptions, Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerStateDict } from './lr-scheduler.js';

export interface CosineAnnealingLROptions {
  /** the minimum learning rate η_min (default 0) */
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * Cosine annealing, as torch.optim.lr_scheduler.CosineAnnealingLR, in PyTorch's recursive form (so its values, also
 * past T_max where it climbs back, and when something else changes the lr between steps):
 *
 *   η_t = η_min + (η_{t-1} - η_min)·(1 + cos(πt/T)) / (1 + cos(π(t-1)/T))
 *
 * with the closed form η_min + (η_0 - η_min)(1 + cos(πt/T))/2 at the restart points where that ratio is 0/0.
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer<BaseOptions>, tMax: number, options: CosineAnnealingLROptions = {}) {
    super(optimizer, options.lastEpoch);
    if (!(tMax > 0)) throw new Error(`CosineAnnealingLR: tMax must be positive, got ${tMax}`);
    this.tMax = tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, tMax: T, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    }
    if ((t - 1 - T) % (2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected optionsState(): SchedulerStateDict {
    return { T_max: this.tMax, eta_min: this.etaMin };
  }

  protected loadOptionsState(sd: SchedulerStateDict): void {
    this.tMax = this.numberOption(sd, 'T_max');
    this.etaMin = this.numberOption(sd, 'eta_min');
  }
}
