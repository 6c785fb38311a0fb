import type { BaseOptions, Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerStateDict } from './lr-scheduler.js';

export interface ExponentialLROptions {
  lastEpoch?: number;
}

/** Multiplies each group's lr by γ every epoch, as torch.optim.lr_scheduler.ExponentialLR: η_t = η_0·γᵗ. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer<BaseOptions>, gamma: number, options: ExponentialLROptions = {}) {
    super(optimizer, options.lastEpoch);
    if (!(Number.isFinite(gamma) && gamma >= 0)) {
      throw new Error(`ExponentialLR: gamma must be a finite non-negative number, got ${gamma}`);
    }
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected optionsState(): SchedulerStateDict {
    return { gamma: this.gamma };
  }

  protected loadOptionsState(sd: SchedulerStateDict): void {
    this.gamma = this.numberOption(sd, 'gamma');
  }
}
