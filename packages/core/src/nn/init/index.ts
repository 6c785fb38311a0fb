export { calculateFanInAndFanOut, type FanMode } from './fan.js';
export {
  type ConstantOptions,
  constant_,
  type InitTarget,
  type NormalOptions,
  normal_,
  ones_,
  type RandomOptions,
  type UniformOptions,
  uniform_,
  zeros_,
} from './fill.js';
export { calculateGain, type Nonlinearity } from './gain.js';
export { type KaimingOptions, kaimingNormal_, kaimingUniform_ } from './kaiming.js';
export { type XavierOptions, xavierNormal_, xavierUniform_ } from './xavier.js';
