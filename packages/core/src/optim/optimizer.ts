import { backward } from '../autograd/backward.js';
import type { Parameter } from '../nn/parameter.js';
import { tf } from '../tf.js';

/** Options every optimizer has; each optimizer extends this with its own (momentum, betas, …). */
export interface BaseOptions {
  lr: number;
}

/** A parameter group as a user passes it: its parameters and any options overriding the defaults. */
export type ParamGroupInit<O> = { params: Iterable<Parameter> } & Partial<O>;
export type ParamGroup<O> = O & { params: Parameter[] };

/** Per-parameter optimizer state: tensors (momentum buffers) and numbers (step counts). */
export type ParamState = Record<string, tf.Tensor | number>;

/** PyTorch's optimizer state_dict layout: state keyed by the parameter's index across all groups. */
export interface OptimizerStateDict<O> {
  state: Record<number, Record<string, tf.Tensor | number>>;
  param_groups: (O & { params: number[] })[];
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
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (taken.has(p)) throw new Error(`${this.constructor.name}: a parameter appears in more than one parameter group`);
    }
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Throws when a group's options are out of range (negative lr, betas outside [0, 1), …). */
  protected validate(group: ParamGroup<O>): void {
    if (!(group.lr >= 0)) throw new Error(`${this.constructor.name}: invalid learning rate: ${group.lr}`);
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
        let st = this.state.get(p);
        if (!st) {
          st = {};
          this.state.set(p, st);
        }
        const state = st;
        const grad = p.grad;
        const next = tf.tidy(() => {
          const out = this.update(p.data, grad, group, state);
          for (const v of Object.values(state)) if (v instanceof tf.Tensor) tf.keep(v);
          return out;
        });
        p.data.assign(next);
        next.dispose();
      }
    }
    return loss;
  }

  /**
   * Returns the parameter's new value for gradient `grad`. Runs inside tf.tidy: tensors put into `state` are kept,
   * and the tensor they replace must be disposed by the implementation (use `setState`).
   */
  protected abstract update(param: tf.Tensor, grad: tf.Tensor, group: ParamGroup<O>, state: ParamState): tf.Tensor;

  /** Replaces a tensor in a parameter's state, disposing the previous one. */
  protected setState(state: ParamState, key: string, value: tf.Tensor | number): void {
    const old = state[key];
    if (old instanceof tf.Tensor && old !== value) old.dispose();
    state[key] = value instanceof tf.Tensor ? tf.keep(value) : value;
  }

  /** PyTorch's layout: `{ state: {index: {...}}, param_groups: [{...options, params: [indices]}] }`. Live tensors. */
  stateDict(): OptimizerStateDict<O> {
    const index = new Map(this.params().map((p, i) => [p, i]));
    const state: OptimizerStateDict<O>['state'] = {};
    for (const [p, s] of this.state) state[index.get(p)!] = { ...s };
    const param_groups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      return { ...(options as unknown as O), params: params.map((p) => index.get(p)!) };
    });
    return { state, param_groups };
  }

  /** Restores options and state; tensors are copied, so the caller keeps ownership of `sd`. */
  loadStateDict(sd: OptimizerStateDict<O>): void {
    if (sd.param_groups.length !== this.paramGroups.length) {
      throw new Error(
        `${this.constructor.name}.loadStateDict: expected ${this.paramGroups.length} parameter groups, got ${sd.param_groups.length}`,
      );
    }
    sd.param_groups.forEach((g, i) => {
      const mine = this.paramGroups[i]!;
      if (g.params.length !== mine.params.length) {
        throw new Error(
          `${this.constructor.name}.loadStateDict: group ${i} has ${mine.params.length} parameters, the state dict ${g.params.length}`,
        );
      }
    });
    const all = this.params();
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof tf.Tensor) v.dispose();
    this.state.clear();
    sd.param_groups.forEach((g, i) => {
      const { params: _indices, ...options } = g;
      Object.assign(this.paramGroups[i]!, options);
    });
    for (const [k, s] of Object.entries(sd.state)) {
      const p = all[Number(k)];
      if (!p) throw new Error(`${this.constructor.name}.loadStateDict: state for parameter ${k}, which does not exist`);
      const copy: ParamState = {};
      for (const [key, v] of Object.entries(s)) copy[key] = v instanceof tf.Tensor ? tf.keep(v.clone()) : v;
      this.state.set(p, copy);
    }
  }
}
