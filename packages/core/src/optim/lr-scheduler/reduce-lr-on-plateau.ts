import { tf } from '../../tf.js';
import type { BaseOptions, Optimizer } from '../optimizer.js';
import type { SchedulerStateDict } from './lr-scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should decrease (a loss); 'max': increase (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** new lr = lr·factor (default 0.1, must be < 1) */
  factor?: number;
  /** epochs without improvement tolerated before reducing (default 10) */
  patience?: number;
  /** the margin an improvement must beat (default 1e-4) */
  threshold?: number;
  /** 'rel': best·(1 ∓ threshold); 'abs': best ∓ threshold (default 'rel') */
  thresholdMode?: 'rel' | 'abs';
  /** epochs to wait after a reduction before counting bad epochs again (default 0) */
  cooldown?: number;
  /** a lower bound on the lr, for all groups or one per group (default 0) */
  minLr?: number | number[];
  /** reductions smaller than eps are skipped (default 1e-8) */
  eps?: number;
}

/**
 * Reduces each group's lr by `factor` once a metric has stopped improving for more than `patience` epochs, as
 * torch.optim.lr_scheduler.ReduceLROnPlateau. `step(metric)` takes the epoch's metric (a number or a scalar tensor).
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer<BaseOptions>;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[] | undefined;

  constructor(optimizer: Optimizer<BaseOptions>, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1)) throw new Error(`ReduceLROnPlateau: Factor should be < 1.0, got ${this.factor}`);
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr) && minLr.length !== groups) {
      throw new Error(`ReduceLROnPlateau: expected ${groups} min_lrs (one per parameter group), got ${minLr.length}`);
    }
    this.minLrs = Array.isArray(minLr) ? [...minLr] : Array.from({ length: groups }, () => minLr);
    this.patience = options.patience ?? 10;
    this.cooldown = options.cooldown ?? 0;
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.eps = options.eps ?? 1e-8;
    checkModes(this.mode, this.thresholdMode);
    this.best = this.modeWorse;
  }

  /** The worst possible metric for the mode, where `best` starts. */
  get modeWorse(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(a: number, best: number): boolean {
    const rel = this.thresholdMode === 'rel';
    if (this.mode === 'min') return rel ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return rel ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records one epoch's metric and reduces the learning rates if it has plateaued. */
  step(metric: number | tf.Tensor): void {
    const current = metric instanceof tf.Tensor ? metric.dataSync()[0]! : metric;
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const newLr = Math.max(g.lr * this.factor, this.minLrs[i]!);
      if (g.lr - newLr > this.eps) g.lr = newLr;
    });
  }

  /** The groups' learning rates after the last step (their current ones before the first). */
  getLastLr(): number[] {
    return this.lastLr ? [...this.lastLr] : this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** PyTorch's state_dict keys; `best` and `mode_worse` may be ±Infinity (checkpoints encode them). */
  stateDict(): SchedulerStateDict {
    const sd: SchedulerStateDict = {
      factor: this.factor,
      min_lrs: [...this.minLrs],
      patience: this.patience,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      mode_worse: this.modeWorse,
      eps: this.eps,
      last_epoch: this.lastEpoch,
    };
    if (this.lastLr) sd._last_lr = [...this.lastLr];
    return sd;
  }

  loadStateDict(sd: SchedulerStateDict): void {
    const num = (key: string): number => {
      const v = sd[key];
      if (typeof v !== 'number')
        throw new Error(`ReduceLROnPlateau.loadStateDict: expected '${key}' to be a number, got ${JSON.stringify(v)}`);
      return v;
    };
    const minLrs = sd.min_lrs;
    if (!Array.isArray(minLrs) || minLrs.length !== this.optimizer.paramGroups.length) {
      throw new Error(
        `ReduceLROnPlateau.loadStateDict: expected 'min_lrs' to hold ${this.optimizer.paramGroups.length} numbers, got ${JSON.stringify(minLrs)}`,
      );
    }
    const next = {
      factor: num('factor'),
      patience: num('patience'),
      cooldown: num('cooldown'),
      cooldownCounter: num('cooldown_counter'),
      threshold: num('threshold'),
      best: num('best'),
      numBadEpochs: num('num_bad_epochs'),
      eps: num('eps'),
      lastEpoch: num('last_epoch'),
    };
    const mode = sd.mode as 'min' | 'max';
    const thresholdMode = sd.threshold_mode as 'rel' | 'abs';
    checkModes(mode, thresholdMode);
    Object.assign(this, next, { mode, thresholdMode, minLrs: [...(minLrs as number[])] });
    this.lastLr = Array.isArray(sd._last_lr) ? [...(sd._last_lr as number[])] : undefined;
  }
}

function checkModes(mode: string, thresholdMode: string): void {
  if (mode !== 'min' && mode !== 'max')
    throw new Error(`ReduceLROnPlateau: mode ${mode} is unknown! (expected 'min' or 'max')`);
  if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
    throw new Error(`ReduceLROnPlateau: threshold mode ${thresholdMode} is unknown! (expected 'rel' or 'abs')`);
  }
}
