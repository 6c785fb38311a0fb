import { formatShape } from '../module-error.js';

/**
 * fan_in = shape[1]·receptive field, fan_out = shape[0]·receptive field, the receptive field being the product of
 * shape[2:] (PyTorch's _calculate_fan_in_and_fan_out): for Linear [out, in] fan_in is in; for Conv2d
 * [out, in/groups, kH, kW] it is in/groups·kH·kW.
 */
export function calculateFanInAndFanOut(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new Error(
      `init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions, got ${formatShape(shape)}`,
    );
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

export type FanMode = 'fan_in' | 'fan_out';

export function fanFor(shape: readonly number[], mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out')
    throw new Error(`init: mode '${mode}' not supported, please use one of fan_in, fan_out`);
  const { fanIn, fanOut } = calculateFanInAndFanOut(shape);
  return mode === 'fan_in' ? fanIn : fanOut;
}
