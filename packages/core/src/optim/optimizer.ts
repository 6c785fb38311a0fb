import { backward } from '../autograd/backward.js';
import { formatShape } from '../nn/module-error.js';
import type { Parameter } from '../nn/parameter.js';
import { pyRepr } from '../nn/py-repr.js';
import { tf } from '../tf.js';
import { camelCase, snakeCase } from './key-case.js';

// Switches of PyTorch's optimizers for other devices and compilation, with no meaning here: dropped when loading a
// state dict saved by PyTorch. Every other option is taken as it comes, as PyTorch does.
const TORCH_ONLY_OPTIONS = new Set(['foreach', 'capturable', 'differentiable', 'fused']);

/** Options every optimizer has; each optimizer extends this with its own (momentum, betas, …). */
export interface BaseOptions {
  lr: number;
  /** the lr a scheduler started from; set by the first LR scheduler attached (PyTorch's `initial_lr`) */
  initialLr?: number;
}

/** A parameter group as a user passes it: its parameters and any options overriding the defaults. */
export type ParamGroupInit<O> = { params: Iterable<Parameter> } & Partial<O>;
export type ParamGroup<O> = O & { params: Parameter[] };

/** Per-parameter optimizer state under PyTorch's names: tensors (`exp_avg`), numbers (`step`), null (no buffer). */
export type ParamState = Record<string, tf.Tensor | number | null>;

/**
 * PyTorch's optimizer state_dict layout: `state` keyed by each parameter's index across all groups, and the groups'
 * options under PyTorch's snake_case names (`weight_decay`, `initial_lr`) with `params` as those indices.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: ({ params: number[] } & Record<string, unknown>)[];
}

/**
 * Base of all optimizers, like torch.optim.Optimizer: parameter groups with their own options, per-parameter state,
 * zeroGrad, step, and PyTorch-shaped state dicts. Subclasses implement `update` for one parameter.
 */
export abstract class Optimizer<O extends BaseOptions> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  readonly state = new Map<Parameter, ParamState>();

  constructor(params: Iterable<Parameter> | ParamGroupInit<O>[], defaults: O) {
    this.defaults = defaults;
    const list = [...(params as Iterable<Parameter | ParamGroupInit<O>>)];
    if (list.length === 0) throw new Error(`${this.constructor.name}: got an empty parameter list`);
    const groups = list.every((g) => typeof g === 'object' && g !== null && 'params' in g && !('data' in g))
      ? (list as ParamGroupInit<O>[])
      : [{ params: list as Parameter[] } as unknown as ParamGroupInit<O>];
    for (const g of groups) this.addParamGroup(g);
  }

  addParamGroup(group: ParamGroupInit<O>): void {
    const params = [...group.params];
    if (new Set(params).size !== params.length) {
      throw new Error(`${this.constructor.name}: a parameter group lists the same parameter twice`);
    }
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (taken.has(p))
        throw new Error(`${this.constructor.name}: a parameter appears in more than one parameter group`);
    }
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Throws when a group's options are out of range, with PyTorch's messages ("Invalid learning rate: -1"). */
  protected validate(group: ParamGroup<O>): void {
    if (!(group.lr >= 0)) throw new Error(`${this.constructor.name}: Invalid learning rate: ${group.lr}`);
  }

  /** Every parameter across all groups, in order. */
  params(): Parameter[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Clears every gradient (set to none, PyTorch's default since 2.0). */
  zeroGrad(): void {
    for (const p of this.params()) p.zeroGrad();
  }

  /**
   * Updates every parameter that has a gradient. With a closure that returns the loss, first clears the gradients
   * and computes new ones from it (zeroGrad + backward + update in one call) and returns the loss as a number.
   */
  step(closure?: () => tf.Tensor): number | undefined {
    let loss: number | undefined;
    if (closure) {
      this.zeroGrad();
      loss = backward(closure, this.params());
    }
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null || !p.requiresGrad) continue;
        let state = this.state.get(p);
        if (!state) {
          state = {};
          this.state.set(p, state);
        }
        const st = state;
        const grad = p.grad;
        const next = tf.tidy(() => this.update(p.data, grad, group, st));
        p.data.assign(next);
        next.dispose();
      }
    }
    return loss;
  }

  /**
   * Returns the parameter's new value for gradient `grad`. Runs inside tf.tidy: store tensors in `state` with
   * `setState`, which keeps the new tensor and disposes the one it replaces.
   */
  protected abstract update(param: tf.Tensor, grad: tf.Tensor, group: ParamGroup<O>, state: ParamState): tf.Tensor;

  /** Replaces a value in a parameter's state, keeping a new tensor and disposing the previous one. */
  protected setState(state: ParamState, key: string, value: tf.Tensor | number | null): void {
    const old = state[key];
    if (old instanceof tf.Tensor && old !== value) old.dispose();
    state[key] = value instanceof tf.Tensor ? tf.keep(value) : value;
  }

  /** A tensor from a parameter's state, or undefined when it has none yet (lazy initialisation, as PyTorch). */
  protected stateTensor(state: ParamState, key: string): tf.Tensor | undefined {
    const v = state[key];
    return v instanceof tf.Tensor ? v : undefined;
  }

  /**
   * PyTorch's layout: `{ state: {index: {...}}, param_groups: [{...options, params: [indices]}] }`. The tensors are
   * the live ones, not copies: do not dispose them.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map(this.params().map((p, i) => [p, i]));
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) state[index.get(p)!] = { ...s };
    const param_groups = this.paramGroups.map((g) => {
      const out: OptimizerStateDict['param_groups'][number] = { params: [] };
      for (const [k, v] of Object.entries(g)) if (k !== 'params' && v !== undefined) out[snakeCase(k)] = v;
      out.params = g.params.map((p) => index.get(p)!);
      return out;
    });
    return { state, param_groups };
  }

  /**
   * Restores options and state, checking group sizes and state-tensor shapes first so that a failed load changes
   * nothing. Tensors are copied, so the caller keeps ownership of `sd`.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = `${this.constructor.name}.loadStateDict`;
    checkStateDictLayout(sd, name);
    if (sd.param_groups.length !== this.paramGroups.length) {
      throw new Error(`${name}: expected ${this.paramGroups.length} parameter groups, got ${sd.param_groups.length}`);
    }
    sd.param_groups.forEach((g, i) => {
      const mine = this.paramGroups[i]!;
      if (g.params.length !== mine.params.length) {
        throw new Error(
          `${name}: group ${i} has ${mine.params.length} parameters, the state dict's ${g.params.length}`,
        );
      }
    });
    // Saved indices map onto this optimizer's parameters group by group, in order, as in PyTorch.
    const byIndex = new Map<number, Parameter>();
    sd.param_groups.forEach((g, i) => {
      g.params.forEach((idx, j) => {
        byIndex.set(idx, this.paramGroups[i]!.params[j]!);
      });
    });
    for (const [k, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(k));
      if (!p) throw new Error(`${name}: state for parameter ${k}, which no parameter group lists`);
      for (const [key, v] of Object.entries(s)) {
        if (v instanceof tf.Tensor && key !== 'step' && !tf.util.arraysEqual(v.shape, p.shape)) {
          throw new Error(
            `${name}: state '${key}' of parameter ${k}: expected shape ${formatShape(p.shape)}, got ${formatShape(v.shape)}`,
          );
        }
        const values = v instanceof tf.Tensor ? v.dataSync() : typeof v === 'number' ? [v] : [];
        const bad = Array.prototype.findIndex.call(values, (x: number) => !Number.isFinite(x));
        if (bad >= 0) throw new Error(`${name}: state '${key}' of parameter ${k}: element ${bad} is ${values[bad]}`);
      }
    }
    // The saved options (a learning rate, a momentum) are checked as the constructor checks them, before any is set.
    const groups = sd.param_groups.map((g, i) => {
      const group = { ...this.paramGroups[i]! } as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params' || TORCH_ONLY_OPTIONS.has(k)) continue;
        const key = camelCase(k);
        const kind = typeof group[key];
        if ((kind === 'number' || kind === 'boolean') && typeof v !== kind)
          throw new Error(`${name}: parameter group ${i}: ${k}: expected a ${kind}, got ${JSON.stringify(v)}`);
        group[key] = v;
      }
      try {
        this.validate(group as unknown as ParamGroup<O>);
        if (!Number.isFinite(group.lr)) throw new Error(`Invalid learning rate: ${group.lr}`);
      } catch (err) {
        throw new Error(`${name}: parameter group ${i}: ${(err as Error).message.replace(/^\w+: /, '')}`);
      }
      return group;
    });
    this.#freeState();
    groups.forEach((group, i) => {
      Object.assign(this.paramGroups[i]!, group);
    });
    for (const [k, s] of Object.entries(sd.state)) {
      const copy: ParamState = {};
      for (const [key, v] of Object.entries(s)) {
        // PyTorch keeps Adam's `step` as a scalar tensor; here it is a number.
        if (v instanceof tf.Tensor && key === 'step') copy[key] = v.dataSync()[0]!;
        else
          copy[key] = v instanceof tf.Tensor ? tf.keep(v.dtype === 'float32' ? v.clone() : tf.cast(v, 'float32')) : v;
      }
      this.state.set(byIndex.get(Number(k))!, copy);
    }
  }

  /**
   * Frees every tensor of the per-parameter state (momentum buffers, Adam's moments) and clears it, for the end of
   * training: tfjs frees no tensor by itself. Safe to call twice. The parameters are the model's and stay; a later
   * step() starts from empty state, as a new optimizer would. (The LR schedulers hold numbers only.)
   */
  dispose(): void {
    this.#freeState();
  }

  #freeState(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof tf.Tensor) v.dispose();
    this.state.clear();
  }

  /** PyTorch's repr: each group's options, sorted, under their snake_case names. */
  toString(): string {
    const groups = this.paramGroups.map((g, i) => {
      const entries = Object.entries(g)
        .filter(([k, v]) => k !== 'params' && v !== undefined)
        .map(([k, v]) => [snakeCase(k), v] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `\nParameter Group ${i}\n${entries.map(([k, v]) => `    ${k}: ${pyRepr(v)}\n`).join('')}`;
    });
    return `${this.constructor.name} (${groups.join('')})`;
  }
}

/** The shape of a state dict as JSON or a caller may give it, checked before anything reads into it. */
function checkStateDictLayout(sd: unknown, name: string): asserts sd is OptimizerStateDict {
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObject(sd) || !isObject(sd.state) || !Array.isArray(sd.param_groups))
    throw new Error(`${name}: expected { state: {…}, param_groups: […] }, got ${describe(sd)}`);
  sd.param_groups.forEach((g: unknown, i) => {
    if (!isObject(g) || !Array.isArray(g.params) || !g.params.every((p) => Number.isSafeInteger(p) && p >= 0))
      throw new Error(`${name}: parameter group ${i} must be an object whose params are parameter indices`);
  });
  for (const [k, s] of Object.entries(sd.state)) {
    if (!/^\d+$/.test(k) || !isObject(s))
      throw new Error(`${name}: state '${k}' must be an object keyed by a parameter index, got ${describe(s)}`);
  }
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x === 'object' && x !== null) return `an object with keys ${Object.keys(x).join(', ') || '(none)'}`;
  return JSON.stringify(x) ?? String(x);
}
