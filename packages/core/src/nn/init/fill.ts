import { defaultGenerator } from '../../random/default-generator.js';
import type { Generator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { Parameter } from '../parameter.js';
import { initSkipped } from '../utils/skip-init.js';
import { finiteArg, initOptions } from './init-args.js';

/** What init functions fill in place: a Parameter's variable or a bare tf.Variable. */
export type InitTarget = Parameter | tf.Variable;

export interface RandomOptions {
  /** the stream to draw from; defaults to defaultGenerator, so manualSeed makes init reproducible */
  generator?: Generator;
}

export interface UniformOptions extends RandomOptions {
  /** the lower bound (default 0) */
  a?: number;
  /** the upper bound (default 1) */
  b?: number;
}

export interface NormalOptions extends RandomOptions {
  /** default 0 */
  mean?: number;
  /** the standard deviation (default 1) */
  std?: number;
}

export interface ConstantOptions {
  val: number;
}

function variableOf(target: InitTarget): tf.Variable {
  if (target instanceof Parameter) return target.data;
  if (target instanceof tf.Variable) return target;
  throw new Error('init: expected an nn.Parameter or a tf.Variable to fill in place');
}

export function shapeOf(target: InitTarget): number[] {
  return variableOf(target).shape;
}

/** Assigns draw(i) to every element in row-major order; the numbers come from JS so a Generator seeds them. */
export function fillWith<T extends InitTarget>(target: T, draw: () => number): T {
  const v = variableOf(target);
  if (initSkipped()) return target;
  const values = new Float32Array(v.size);
  for (let i = 0; i < values.length; i++) values[i] = draw();
  tf.tidy(() => v.assign(tf.tensor(values, v.shape, v.dtype)));
  return target;
}

/**
 * Fills with U(a, b), as torch.nn.init.uniform_: `uniform_(w, -0.1, 0.1)` or `uniform_(w, { a: -0.1, b: 0.1 })`.
 * Bounds must be finite with a ≤ b.
 */
export function uniform_<T extends InitTarget>(
  target: T,
  a: number | UniformOptions = 0,
  b = 1,
  options: RandomOptions = {},
): T {
  const o = initOptions<UniformOptions>('uniform_', a, ['a', 'b', 'generator']) ?? { ...options, a: a as number, b };
  const low = finiteArg('uniform_', 'a', o.a ?? 0);
  const high = finiteArg('uniform_', 'b', o.b ?? 1);
  if (low > high) throw new Error(`uniform_: expects a ≤ b, but found a=${low} > b=${high}`);
  const gen = o.generator ?? defaultGenerator;
  return fillWith(target, () => gen.uniform(low, high));
}

/**
 * Fills with N(mean, std²), as torch.nn.init.normal_: `normal_(w, 0, 0.01)` or `normal_(w, { mean: 0, std: 0.01 })`.
 * mean and std must be finite, std ≥ 0.
 */
export function normal_<T extends InitTarget>(
  target: T,
  mean: number | NormalOptions = 0,
  std = 1,
  options: RandomOptions = {},
): T {
  const o = initOptions<NormalOptions>('normal_', mean, ['mean', 'std', 'generator']) ?? {
    ...options,
    mean: mean as number,
    std,
  };
  const m = finiteArg('normal_', 'mean', o.mean ?? 0);
  const s = finiteArg('normal_', 'std', o.std ?? 1);
  if (s < 0) throw new Error(`normal_: expects std ≥ 0, but found std=${s}`);
  const gen = o.generator ?? defaultGenerator;
  return fillWith(target, () => gen.normal(m, s));
}

/** Fills with val, as torch.nn.init.constant_: `constant_(w, 0.1)` or `constant_(w, { val: 0.1 })`; val finite. */
export function constant_<T extends InitTarget>(target: T, val: number | ConstantOptions): T {
  const o = initOptions<ConstantOptions>('constant_', val, ['val']) ?? { val: val as number };
  const x = finiteArg('constant_', 'val', o.val);
  const v = variableOf(target);
  if (initSkipped()) return target;
  tf.tidy(() => v.assign(tf.fill(v.shape, x, v.dtype)));
  return target;
}

export const zeros_ = <T extends InitTarget>(target: T): T => constant_(target, 0);
export const ones_ = <T extends InitTarget>(target: T): T => constant_(target, 1);
