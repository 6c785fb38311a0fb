/**
 * PyTorch's nn, optim and state dicts on TensorFlow.js: backend selection, modules and layers, losses, optimizers and
 * schedulers, autograd helpers, safetensors and checkpoints.
 *
 * @module @trainkit/core
 */
export * from './autograd/index.js';
export * from './backend/index.js';
export * as F from './nn/functional/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * from './random/index.js';
export * from './state/index.js';
export * from './tensor/index.js';
export type { DataType, Rank, Tensor, TensorLike } from './tf.js';
export { tf } from './tf.js';
