export { tf } from './tf.js';
export type { Tensor, Rank, DataType, TensorLike } from './tf.js';
export * from './backend/index.js';
export * from './random/index.js';
export * from './autograd/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
