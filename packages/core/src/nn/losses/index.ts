export { BCEWithLogitsLoss, type BCEWithLogitsLossOptions } from './bce-with-logits-loss.js';
export { BCELoss, type BCELossOptions } from './binary-cross-entropy-loss.js';
export { CrossEntropyLoss, type CrossEntropyLossOptions } from './cross-entropy-loss.js';
export { type ElementwiseLossOptions, L1Loss } from './l1-loss.js';
export { Loss } from './loss.js';
export { MSELoss } from './mse-loss.js';
export { NLLLoss, type NLLLossOptions } from './nll-loss.js';
export type { Reduction } from './reduction.js';
