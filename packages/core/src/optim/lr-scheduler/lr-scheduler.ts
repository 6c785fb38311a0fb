import type { BaseOptions, Optimizer } from '../optimizer.js';

/** A scheduler's state under PyTorch's attribute names (`last_epoch`, `base_lrs`, `_step_count`, …); JSON-safe. */
export type SchedulerStateDict = Record<string, unknown>;

/**
 * Base of the epoch-based learning-rate schedulers, like torch.optim.lr_scheduler._LRScheduler: records each group's
 * starting lr as `initialLr` (`initial_lr` in the state dict), and on every `step()` advances `lastEpoch` and sets
 * each group's lr to `getLr()`, PyTorch's chainable (recursive) form. Construction performs the first step, so
 * `getLastLr()` is the epoch-0 lr right away. Subclasses call `initialStep()` at the end of their constructor, once
 * their own options are set.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer<BaseOptions>;
  baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: Optimizer<BaseOptions>, lastEpoch = -1) {
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new Error(
            `${this.constructor.name}: param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer (lastEpoch ${lastEpoch}); load the optimizer's state dict first`,
          );
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** PyTorch's _initial_step: the step that sets the epoch-0 learning rates. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch and sets every group's lr. Call it after optimizer.step(), as in PyTorch ≥ 1.1. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i]!;
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates the last step set, one per parameter group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The learning rates for epoch `lastEpoch`, computed from the groups' current ones (the chainable form). */
  protected abstract getLr(): number[];

  /** The subclass's own options under PyTorch's attribute names (`step_size`, `gamma`, …). */
  protected abstract optionsState(): SchedulerStateDict;

  /** Restores what optionsState() wrote. */
  protected abstract loadOptionsState(sd: SchedulerStateDict): void;

  /** PyTorch's state_dict: the scheduler's attributes except the optimizer. */
  stateDict(): SchedulerStateDict {
    return {
      ...this.optionsState(),
      base_lrs: [...this.baseLrs],
      last_epoch: this.lastEpoch,
      _step_count: this.stepCount,
      _last_lr: [...this.lastLr],
    };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    const name = `${this.constructor.name}.loadStateDict`;
    const numbers = (key: string): number[] => {
      const v = sd[key];
      if (
        !Array.isArray(v) ||
        v.length !== this.optimizer.paramGroups.length ||
        !v.every((x) => typeof x === 'number')
      ) {
        throw new Error(
          `${name}: expected '${key}' to hold ${this.optimizer.paramGroups.length} numbers (one per group), got ${JSON.stringify(v)}`,
        );
      }
      return v;
    };
    const integer = (key: string): number => {
      const v = sd[key];
      if (!Number.isInteger(v))
        throw new Error(`${name}: expected '${key}' to be an integer, got ${JSON.stringify(v)}`);
      return v as number;
    };
    const baseLrs = numbers('base_lrs');
    const lastLr = numbers('_last_lr');
    const lastEpoch = integer('last_epoch');
    const stepCount = integer('_step_count');
    this.loadOptionsState(sd);
    this.baseLrs = baseLrs;
    this.lastLr = lastLr;
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
  }

  /** Reads a number option from a state dict, naming the scheduler and key when it is missing or not a number. */
  protected numberOption(sd: SchedulerStateDict, key: string): number {
    const v = sd[key];
    if (typeof v !== 'number') {
      throw new Error(
        `${this.constructor.name}.loadStateDict: expected '${key}' to be a number, got ${JSON.stringify(v)}`,
      );
    }
    return v;
  }
}
