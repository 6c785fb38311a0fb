import type { BaseOptions, Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerStateDict } from './lr-scheduler.js';

/** The factor for an epoch: the group's lr is its initial lr times this. */
export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions {
  lastEpoch?: number;
}

/**
 * Sets each group's lr to its initial lr times `lrLambda(epoch)`, as torch.optim.lr_scheduler.LambdaLR; one function
 * for all groups or one per group. The state dict holds `lr_lambdas` as PyTorch writes it for plain functions: one
 * null per group (a function's code is not state; give the same functions when resuming).
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer<BaseOptions>, lrLambda: LrLambda | LrLambda[], options: LambdaLROptions = {}) {
    super(optimizer, options.lastEpoch);
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda) && lrLambda.length !== groups) {
      throw new Error(`LambdaLR: Expected ${groups} lr_lambdas (one per parameter group), but got ${lrLambda.length}`);
    }
    this.lrLambdas = Array.isArray(lrLambda) ? [...lrLambda] : Array.from({ length: groups }, () => lrLambda);
    this.lrLambdas.forEach((fn, i) => {
      if (typeof fn !== 'function') throw new Error(`LambdaLR: lr_lambdas[${i}] is not a function, got ${typeof fn}`);
    });
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => {
      const factor = this.lrLambdas[i]!(this.lastEpoch);
      // A NaN lr would silently ruin every parameter at the next step.
      if (typeof factor !== 'number' || Number.isNaN(factor)) {
        throw new Error(`LambdaLR: lr_lambdas[${i}](${this.lastEpoch}) returned ${factor}, expected a number`);
      }
      return base * factor;
    });
  }

  protected optionsState(): SchedulerStateDict {
    return { lr_lambdas: this.lrLambdas.map(() => null) };
  }

  protected loadOptionsState(sd: SchedulerStateDict): void {
    const saved = sd.lr_lambdas;
    if (!Array.isArray(saved) || saved.length !== this.lrLambdas.length) {
      throw new Error(
        `LambdaLR.loadStateDict: expected 'lr_lambdas' to hold ${this.lrLambdas.length} entries (one per group), got ${JSON.stringify(saved)}`,
      );
    }
    saved.forEach((s, i) => {
      if (s !== null) {
        throw new Error(
          `LambdaLR.loadStateDict: lr_lambdas[${i}] holds the attributes of a callable object (${JSON.stringify(s)}), which a JavaScript function cannot take; save the scheduler with plain functions`,
        );
      }
    });
  }
}
