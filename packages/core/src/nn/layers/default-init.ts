import type { Generator } from '../../random/generator.js';
import { calculateFanInAndFanOut } from '../init/fan.js';
import { uniform_ } from '../init/fill.js';
import { kaimingUniform_ } from '../init/kaiming.js';
import type { Parameter } from '../parameter.js';

/**
 * PyTorch's reset_parameters for Linear and convolutions: weight kaiming_uniform_(a=√5), i.e. U(−1/√fan_in,
 * 1/√fan_in), and bias U(−1/√fan_in, 1/√fan_in).
 */
export function resetAffine(weight: Parameter, bias: Parameter | null, generator?: Generator): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), generator });
  if (bias) {
    const { fanIn } = calculateFanInAndFanOut(weight.shape);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound, { generator });
  }
}
