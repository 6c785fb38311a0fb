export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
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
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { SGD, type SGDOptions } from './sgd.js';
