/**
 * trainkit's own tfjs ops (fused convolution and linear with bias, cross-entropy, batch norm, optimizer updates),
 * each with its gradient and reference cpu kernel, for the backend packages to register; not re-exported by the root
 * entry.
 *
 * @module @trainkit/core/kernels
 */
export {
  ADAM_UPDATE,
  type AdamUpdateAttrs,
  adamUpdateConstants,
  adamUpdateCpuKernel,
  adamUpdateOp,
} from './adam-update.js';
export {
  BATCH_NORM_GRAD_INPUT,
  BATCH_NORM_GRAD_WEIGHT,
  BATCH_NORM_TRAIN,
  type BatchNormAttrs,
  batchNormGradInputCpuKernel,
  batchNormGradInputOp,
  batchNormGradWeightCpuKernel,
  batchNormGradWeightOp,
  batchNormTrainCpuKernel,
  batchNormTrainOp,
} from './batch-norm-train.js';
export {
  CONV2D_BACKPROP_FILTER_BIAS,
  type Conv2DBackpropFilterBiasAttrs,
  conv2dBackpropFilterBiasCpuKernel,
  conv2dBackpropFilterBiasOp,
} from './conv2d-backprop-filter-bias.js';
export { CONV2D_BIAS, type Conv2DBiasAttrs, conv2dBiasCpuKernel, conv2dBiasOp } from './conv2d-bias.js';
export { cpuData } from './cpu-data.js';
export { CPU_KERNELS, registerCpuKernels, registeredCpuKernels, unregisterCpuKernels } from './cpu-kernels.js';
export {
  CROSS_ENTROPY,
  CROSS_ENTROPY_GRAD,
  type CrossEntropyAttrs,
  crossEntropyCpuKernel,
  crossEntropyGradCpuKernel,
  crossEntropyGradOp,
  crossEntropyOp,
} from './cross-entropy.js';
export {
  defineKernel,
  type KernelArgs,
  type KernelDef,
  type KernelGradient,
  type TypedKernelFunc,
  typedKernel,
} from './define-kernel.js';
export { LINEAR_BIAS, linearBiasCpuKernel, linearBiasOp } from './linear-bias.js';
export {
  type BackendKernel,
  registeredKernels,
  registerKernels,
  requireStock,
  unregisterKernels,
} from './register-kernels.js';
export { SGD_UPDATE, type SGDUpdateAttrs, sgdUpdateCpuKernel, sgdUpdateOp } from './sgd-update.js';
export { isVariableData } from './variable-data.js';
