import type { BaseOptions, Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerStateDict } from './lr-scheduler.js';

export interface StepLROptions {
  /** multiplicative decay (default 0.1) */
  gamma?: number;
  lastEpoch?: number;
}

/** Multiplies each group's lr by γ every `stepSize` epochs, as torch.optim.lr_scheduler.StepLR. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer<BaseOptions>, stepSize: number, options: StepLROptions = {}) {
    super(optimizer, options.lastEpoch);
    if (!(Number.isInteger(stepSize) && stepSize > 0))
      throw new Error(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
    this.stepSize = stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected optionsState(): SchedulerStateDict {
    return { step_size: this.stepSize, gamma: this.gamma };
  }

  protected loadOptionsState(sd: SchedulerStateDict): void {
    this.stepSize = this.numberOption(sd, 'step_size');
    this.gamma = this.numberOption(sd, 'gamma');
  }
}
