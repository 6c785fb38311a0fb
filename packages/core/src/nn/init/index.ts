export { calculateFanInAndFanOut, type FanMode } from './fan.js';
export { constant_, type InitTarget, normal_, ones_, type RandomOptions, uniform_, zeros_ } from './fill.js';
export { calculateGain, type Nonlinearity } from './gain.js';
export { type KaimingOptions, kaimingNormal_, kaimingUniform_ } from './kaiming.js';
export { type XavierOptions, xavierNormal_, xavierUniform_ } from './xavier.js';
