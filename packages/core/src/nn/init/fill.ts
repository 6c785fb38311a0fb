import { defaultGenerator } from '../../random/default-generator.js';
import type { Generator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { Parameter } from '../parameter.js';

/** What init functions fill in place: a Parameter's variable or a bare tf.Variable. */
export type InitTarget = Parameter | tf.Variable;

export interface RandomOptions {
  /** the stream to draw from; defaults to defaultGenerator, so manualSeed makes init reproducible */
  generator?: Generator;
}

function variableOf(target: InitTarget): tf.Variable {
  return target instanceof Parameter ? target.data : target;
}

export function shapeOf(target: InitTarget): number[] {
  return variableOf(target).shape;
}

/** Assigns draw(i) to every element in row-major order; the numbers come from JS so a Generator seeds them. */
export function fillWith<T extends InitTarget>(target: T, draw: () => number): T {
  const v = variableOf(target);
  const values = new Float32Array(v.size);
  for (let i = 0; i < values.length; i++) values[i] = draw();
  tf.tidy(() => v.assign(tf.tensor(values, v.shape, v.dtype)));
  return target;
}

/** Fills with U(a, b), as torch.nn.init.uniform_. */
export function uniform_<T extends InitTarget>(target: T, a = 0, b = 1, options: RandomOptions = {}): T {
  const gen = options.generator ?? defaultGenerator;
  return fillWith(target, () => gen.uniform(a, b));
}

/** Fills with N(mean, std²), as torch.nn.init.normal_. */
export function normal_<T extends InitTarget>(target: T, mean = 0, std = 1, options: RandomOptions = {}): T {
  const gen = options.generator ?? defaultGenerator;
  return fillWith(target, () => gen.normal(mean, std));
}

/** Fills with val, as torch.nn.init.constant_. */
export function constant_<T extends InitTarget>(target: T, val: number): T {
  const v = variableOf(target);
  tf.tidy(() => v.assign(tf.fill(v.shape, val, v.dtype)));
  return target;
}

export const zeros_ = <T extends InitTarget>(target: T): T => constant_(target, 0);
export const ones_ = <T extends InitTarget>(target: T): T => constant_(target, 1);
