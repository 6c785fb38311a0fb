import { calculateFanInAndFanOut } from './fan.js';
import { type InitTarget, normal_, type RandomOptions, shapeOf, uniform_ } from './fill.js';
import { finiteArg, initOptions } from './init-args.js';

export interface XavierOptions extends RandomOptions {
  gain?: number;
}

function xavierStd(op: string, target: InitTarget, gain: number): number {
  finiteArg(op, 'gain', gain);
  const { fanIn, fanOut } = calculateFanInAndFanOut(shapeOf(target));
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

function options(op: string, gain: number | XavierOptions, rest: RandomOptions): XavierOptions {
  return initOptions<XavierOptions>(op, gain, ['gain', 'generator']) ?? { ...rest, gain: gain as number };
}

/** Fills with U(−b, b), b = gain·√(6 / (fan_in + fan_out)) (Glorot & Bengio), as torch.nn.init.xavier_uniform_. */
export function xavierUniform_<T extends InitTarget>(
  target: T,
  gain: number | XavierOptions = 1,
  rest: RandomOptions = {},
): T {
  const o = options('xavierUniform_', gain, rest);
  const bound = Math.sqrt(3) * xavierStd('xavierUniform_', target, o.gain ?? 1);
  return uniform_(target, -bound, bound, o);
}

/** Fills with N(0, std²), std = gain·√(2 / (fan_in + fan_out)), as torch.nn.init.xavier_normal_. */
export function xavierNormal_<T extends InitTarget>(
  target: T,
  gain: number | XavierOptions = 1,
  rest: RandomOptions = {},
): T {
  const o = options('xavierNormal_', gain, rest);
  return normal_(target, 0, xavierStd('xavierNormal_', target, o.gain ?? 1), o);
}
