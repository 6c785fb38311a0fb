import { type FanMode, fanFor } from './fan.js';
import { type InitTarget, normal_, type RandomOptions, shapeOf, uniform_ } from './fill.js';
import { calculateGain, type Nonlinearity } from './gain.js';
import { finiteArg, initOptions } from './init-args.js';

export interface KaimingOptions extends RandomOptions {
  /** the negative slope of the leaky_relu that follows (0 for relu) */
  a?: number;
  /** 'fan_in' keeps the forward pass's variance, 'fan_out' the backward pass's */
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, target: InitTarget, o: KaimingOptions): number | undefined {
  finiteArg(op, 'a', o.a ?? 0);
  const shape = shapeOf(target);
  if (shape.includes(0)) return undefined; // PyTorch warns and leaves an empty tensor alone
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  return gain / Math.sqrt(fanFor(shape, o.mode ?? 'fan_in'));
}

function options(op: string, a: number | KaimingOptions, mode: FanMode, nonlinearity: Nonlinearity): KaimingOptions {
  return (
    initOptions<KaimingOptions>(op, a, ['a', 'mode', 'nonlinearity', 'generator']) ?? {
      a: a as number,
      mode,
      nonlinearity,
    }
  );
}

/**
 * Fills with U(−b, b), b = gain·√(3 / fan) (He et al.), as torch.nn.init.kaiming_uniform_. PyTorch's default for
 * Linear and Conv weights is a = √5, which makes b = 1/√fan_in.
 */
export function kaimingUniform_<T extends InitTarget>(
  target: T,
  a: number | KaimingOptions = 0,
  mode: FanMode = 'fan_in',
  nonlinearity: Nonlinearity = 'leaky_relu',
): T {
  const o = options('kaimingUniform_', a, mode, nonlinearity);
  const std = kaimingStd('kaimingUniform_', target, o);
  if (std === undefined) return target;
  return uniform_(target, -Math.sqrt(3) * std, Math.sqrt(3) * std, o);
}

/** Fills with N(0, std²), std = gain/√fan, as torch.nn.init.kaiming_normal_. */
export function kaimingNormal_<T extends InitTarget>(
  target: T,
  a: number | KaimingOptions = 0,
  mode: FanMode = 'fan_in',
  nonlinearity: Nonlinearity = 'leaky_relu',
): T {
  const o = options('kaimingNormal_', a, mode, nonlinearity);
  const std = kaimingStd('kaimingNormal_', target, o);
  if (std === undefined) return target;
  return normal_(target, 0, std, o);
}
