export * from './autograd/index.js';
export {
  batchNormGradInputCpuKernel,
  batchNormGradWeightCpuKernel,
  batchNormTrainCpuKernel,
} from './backend/cpu-kernels/batch-norm.js';
export { crossEntropyCpuKernel, crossEntropyGradCpuKernel } from './backend/cpu-kernels/cross-entropy.js';
export * from './backend/index.js';
export {
  CONV2D_BACKPROP_FILTER_BIAS,
  type Conv2DBackpropFilterBiasAttrs,
} from './kernels/conv2d-backprop-filter-bias.js';
export {
  BATCH_NORM_GRAD_INPUT,
  BATCH_NORM_GRAD_WEIGHT,
  BATCH_NORM_TRAIN,
  type BatchNormAttrs,
} from './nn/functional/batch-norm-kernel.js';
export { CONV2D_BIAS, type Conv2DBiasAttrs } from './nn/functional/conv2d-bias.js';
export * as F from './nn/functional/index.js';
export { LINEAR_BIAS } from './nn/functional/linear-bias.js';
export * as nn from './nn/index.js';
export { CROSS_ENTROPY, CROSS_ENTROPY_GRAD, type CrossEntropyAttrs } from './nn/losses/cross-entropy-kernel.js';
export * as optim from './optim/index.js';
export * from './random/index.js';
export * from './state/index.js';
export type { DataType, Rank, Tensor, TensorLike } from './tf.js';
export { tf } from './tf.js';
export * from './training/index.js';
