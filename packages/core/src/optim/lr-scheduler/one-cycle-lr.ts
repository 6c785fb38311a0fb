import { camelCase } from '../key-case.js';
import type { BaseOptions, Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerStateDict } from './lr-scheduler.js';

export type AnnealStrategy = 'cos' | 'linear';

export interface OneCycleLROptions {
  /** the number of steps in the cycle; or give epochs and stepsPerEpoch */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** the fraction of the cycle spent increasing the lr (default 0.3) */
  pctStart?: number;
  /** default 'cos' */
  annealStrategy?: AnnealStrategy;
  /** cycle SGD's momentum (or Adam's β₁) inversely to the lr, between maxMomentum and baseMomentum (default true) */
  cycleMomentum?: boolean;
  /** one value for all groups or one per group (default 0.85) */
  baseMomentum?: number | number[];
  /** one value for all groups or one per group (default 0.95) */
  maxMomentum?: number | number[];
  /** initial lr = maxLr / divFactor (default 25) */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor (default 1e4) */
  finalDivFactor?: number;
  /** three phases (up, back down to the initial lr, then annihilation) instead of two, as fastai (default false) */
  threePhase?: boolean;
  lastEpoch?: number;
}

/**
 * One phase of the cycle as PyTorch's `_schedule_phases` holds it: where it ends, and which group keys (PyTorch's
 * names) its lr and momentum go from and to.
 */
export interface OneCyclePhase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

/**
 * The 1cycle policy, as torch.optim.lr_scheduler.OneCycleLR (PyTorch 1.13): the lr rises from maxLr/divFactor to
 * maxLr over the first pctStart of `totalSteps`, then anneals (cosine or linearly) to initial lr/finalDivFactor, with
 * the momentum cycling the other way. Step it after every batch, not every epoch. Like PyTorch it writes `initial_lr`,
 * `max_lr`, `min_lr` (and `max_momentum`, `base_momentum`) into the optimizer's groups, as `initialLr`, `maxLr`, … ;
 * they travel in the optimizer's state dict. The anneal function is saved as `_anneal_func_type` ('cos' or
 * 'linear'), as PyTorch ≥ 2.2 does: 1.13 saved the bound method itself, which is no state.
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  schedulePhases: OneCyclePhase[];
  annealStrategy: AnnealStrategy;
  cycleMomentum: boolean;
  /** the optimizer has betas (Adam) and β₁ cycles, rather than `momentum` (SGD, RMSprop) */
  useBeta1: boolean;

  constructor(optimizer: Optimizer<BaseOptions>, maxLr: number | number[], options: OneCycleLROptions = {}) {
    const o = options;
    const totalSteps = resolveTotalSteps(o);
    const pctStart = o.pctStart ?? 0.3;
    if (!(pctStart >= 0 && pctStart <= 1)) {
      throw new Error(`OneCycleLR: Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    }
    const annealStrategy = o.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new Error(`OneCycleLR: anneal_strategy must be one of 'cos' or 'linear', instead got ${annealStrategy}`);
    }
    const divFactor = o.divFactor ?? 25;
    const finalDivFactor = o.finalDivFactor ?? 1e4;
    const groups = optimizer.paramGroups as unknown as Record<string, unknown>[];
    const maxLrs = perGroup('max_lr', maxLr, groups.length);
    const cycleMomentum = o.cycleMomentum ?? true;
    const defaults = optimizer.defaults as unknown as Record<string, unknown>;
    if (cycleMomentum && !('momentum' in defaults) && !('betas' in defaults)) {
      throw new Error(
        `OneCycleLR: optimizer must support momentum with \`cycle_momentum\` option enabled (${optimizer.constructor.name} has neither momentum nor betas); pass cycleMomentum: false`,
      );
    }
    const useBeta1 = 'betas' in defaults;
    const maxMomentums = perGroup('max_momentum', o.maxMomentum ?? 0.95, groups.length);
    const baseMomentums = perGroup('base_momentum', o.baseMomentum ?? 0.85, groups.length);
    const lastEpoch = o.lastEpoch ?? -1;
    // Before the base constructor, which records each group's initial_lr: here it is maxLr / divFactor.
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = (g.initialLr as number) / finalDivFactor;
        if (cycleMomentum) {
          setMomentum(g, useBeta1, maxMomentums[i]!);
          g.maxMomentum = maxMomentums[i]!;
          g.baseMomentum = baseMomentums[i]!;
        }
      });
    }
    super(optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    this.schedulePhases = makePhases(totalSteps, pctStart, o.threePhase ?? false);
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new Error(
        `OneCycleLR: Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    const anneal = this.annealStrategy === 'cos' ? annealingCos : annealingLinear;
    const phases = this.schedulePhases;
    return (this.optimizer.paramGroups as unknown as Record<string, unknown>[]).map((group) => {
      const key = (name: string) => group[camelCase(name)] as number;
      let startStep = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i]!;
        if (stepNum <= phase.end_step || i === phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.end_step - startStep);
          if (this.cycleMomentum) {
            setMomentum(group, this.useBeta1, anneal(key(phase.start_momentum), key(phase.end_momentum), pct));
          }
          return anneal(key(phase.start_lr), key(phase.end_lr), pct);
        }
        startStep = phase.end_step;
      }
      throw new Error('OneCycleLR: no phase'); // unreachable: the last phase takes every step
    });
  }

  protected optionsState(): SchedulerStateDict {
    return {
      total_steps: this.totalSteps,
      _schedule_phases: this.schedulePhases.map((p) => ({ ...p })),
      _anneal_func_type: this.annealStrategy,
      cycle_momentum: this.cycleMomentum,
      ...(this.cycleMomentum ? { use_beta1: this.useBeta1 } : {}),
    };
  }

  protected loadOptionsState(sd: SchedulerStateDict): void {
    const name = 'OneCycleLR.loadStateDict';
    const totalSteps = this.numberOption(sd, 'total_steps');
    const phasesIn = sd._schedule_phases;
    if (
      !Array.isArray(phasesIn) ||
      phasesIn.length === 0 ||
      !phasesIn.every((p) => p !== null && typeof p === 'object' && typeof p.end_step === 'number')
    ) {
      throw new Error(`${name}: expected '_schedule_phases' to be a list of phases, got ${JSON.stringify(phasesIn)}`);
    }
    const anneal = sd._anneal_func_type;
    if (anneal !== 'cos' && anneal !== 'linear') {
      throw new Error(`${name}: expected '_anneal_func_type' to be 'cos' or 'linear', got ${JSON.stringify(anneal)}`);
    }
    if (typeof sd.cycle_momentum !== 'boolean') {
      throw new Error(`${name}: expected 'cycle_momentum' to be a boolean, got ${JSON.stringify(sd.cycle_momentum)}`);
    }
    this.totalSteps = totalSteps;
    this.schedulePhases = (phasesIn as OneCyclePhase[]).map((p) => ({ ...p }));
    this.annealStrategy = anneal;
    this.cycleMomentum = sd.cycle_momentum;
    if (typeof sd.use_beta1 === 'boolean') this.useBeta1 = sd.use_beta1;
  }
}

function resolveTotalSteps(o: OneCycleLROptions): number {
  if (o.totalSteps !== undefined) {
    if (!(Number.isInteger(o.totalSteps) && o.totalSteps > 0)) {
      throw new Error(`OneCycleLR: Expected positive integer total_steps, but got ${o.totalSteps}`);
    }
    return o.totalSteps;
  }
  if (o.epochs === undefined && o.stepsPerEpoch === undefined) {
    throw new Error('OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch)');
  }
  if (!(Number.isInteger(o.epochs) && o.epochs! > 0)) {
    throw new Error(`OneCycleLR: Expected positive integer epochs, but got ${o.epochs}`);
  }
  if (!(Number.isInteger(o.stepsPerEpoch) && o.stepsPerEpoch! > 0)) {
    throw new Error(`OneCycleLR: Expected positive integer steps_per_epoch, but got ${o.stepsPerEpoch}`);
  }
  return o.epochs! * o.stepsPerEpoch!;
}

function makePhases(totalSteps: number, pctStart: number, threePhase: boolean): OneCyclePhase[] {
  const up = pctStart * totalSteps - 1;
  if (threePhase) {
    return [
      {
        end_step: up,
        start_lr: 'initial_lr',
        end_lr: 'max_lr',
        start_momentum: 'max_momentum',
        end_momentum: 'base_momentum',
      },
      {
        end_step: 2 * pctStart * totalSteps - 2,
        start_lr: 'max_lr',
        end_lr: 'initial_lr',
        start_momentum: 'base_momentum',
        end_momentum: 'max_momentum',
      },
      {
        end_step: totalSteps - 1,
        start_lr: 'initial_lr',
        end_lr: 'min_lr',
        start_momentum: 'max_momentum',
        end_momentum: 'max_momentum',
      },
    ];
  }
  return [
    {
      end_step: up,
      start_lr: 'initial_lr',
      end_lr: 'max_lr',
      start_momentum: 'max_momentum',
      end_momentum: 'base_momentum',
    },
    {
      end_step: totalSteps - 1,
      start_lr: 'max_lr',
      end_lr: 'min_lr',
      start_momentum: 'base_momentum',
      end_momentum: 'max_momentum',
    },
  ];
}

function perGroup(name: string, value: number | number[], groups: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups)
      throw new Error(`OneCycleLR: expected ${groups} values for ${name}, got ${value.length}`);
    return [...value];
  }
  return Array.from({ length: groups }, () => value);
}

/** SGD's (and RMSprop's) `momentum`, or Adam's β₁. */
function setMomentum(group: Record<string, unknown>, useBeta1: boolean, value: number): void {
  if (useBeta1) {
    const [, beta2] = group.betas as [number, number];
    group.betas = [value, beta2];
  } else {
    group.momentum = value;
  }
}

/** Cosine anneal from start to end as pct goes from 0 to 1. */
function annealingCos(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

/** Linear anneal from start to end as pct goes from 0 to 1. */
function annealingLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
