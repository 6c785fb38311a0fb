export { Adam, type AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { ADAM_UPDATE, type AdamUpdateAttrs, adamUpdateConstants } from './kernels/adam-update-kernel.js';
export { SGD_UPDATE, type SGDUpdateAttrs } from './kernels/sgd-update-kernel.js';
export * as lrScheduler from './lr-scheduler/index.js';
export * from './lr-scheduler/index.js';
export {
  type BaseOptions,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInit,
  type ParamState,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
