import type { BaseOptions, Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerStateDict } from './lr-scheduler.js';

export interface MultiStepLROptions {
  /** multiplicative decay (default 0.1) */
  gamma?: number;
  lastEpoch?: number;
}

/**
 * Multiplies each group's lr by γ when the epoch reaches a milestone, as torch.optim.lr_scheduler.MultiStepLR; a
 * milestone listed k times multiplies by γᵏ. The state dict holds the milestones as PyTorch's Counter does, as an
 * object from epoch to count.
 */
export class MultiStepLR extends LRScheduler {
  milestones: Map<number, number>;
  gamma: number;

  constructor(optimizer: Optimizer<BaseOptions>, milestones: number[], options: MultiStepLROptions = {}) {
    super(optimizer, options.lastEpoch);
    this.milestones = new Map();
    for (const m of milestones) {
      if (!Number.isInteger(m)) throw new Error(`MultiStepLR: milestones must be integers (epochs), got ${m}`);
      this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    }
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return lrs;
    return lrs.map((lr) => lr * this.gamma ** count);
  }

  protected optionsState(): SchedulerStateDict {
    return { milestones: Object.fromEntries(this.milestones), gamma: this.gamma };
  }

  protected loadOptionsState(sd: SchedulerStateDict): void {
    const m = sd.milestones;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) {
      throw new Error(
        `MultiStepLR.loadStateDict: expected 'milestones' to map epochs to counts, got ${JSON.stringify(m)}`,
      );
    }
    this.milestones = new Map(Object.entries(m as Record<string, number>).map(([k, v]) => [Number(k), v]));
    this.gamma = this.numberOption(sd, 'gamma');
  }
}
