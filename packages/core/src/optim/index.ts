export { Optimizer, type BaseOptions, type ParamGroup, type ParamGroupInit, type ParamState, type OptimizerStateDict } from './optimizer.js';
