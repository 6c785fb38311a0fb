export { binaryCrossEntropyWithLogits } from './bce-with-logits-loss.js';
export { binaryCrossEntropy } from './binary-cross-entropy-loss.js';
export { crossEntropy } from './cross-entropy-loss.js';
export { l1Loss } from './l1-loss.js';
export { mseLoss } from './mse-loss.js';
export { nllLoss } from './nll-loss.js';
