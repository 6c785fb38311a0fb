import { tf } from '@trainkit/core';
import {
  BATCH_NORM_GRAD_INPUT,
  BATCH_NORM_GRAD_WEIGHT,
  BATCH_NORM_TRAIN,
  CONV2D_BACKPROP_FILTER_BIAS,
  CONV2D_BIAS,
  LINEAR_BIAS,
} from '@trainkit/core/kernels';
import { nativeAddon } from './addon.js';
import { batchNormKernels } from './kernels/batch-norm.js';
import { convKernels } from './kernels/conv.js';
import { coreCpuKernels } from './kernels/core-cpu-kernels.js';
import { eltwiseKernels } from './kernels/eltwise.js';
import { layoutKernels } from './kernels/layout.js';
import { matmulKernels } from './kernels/matmul.js';
import { optimKernels } from './kernels/optim.js';
import { poolKernels } from './kernels/pool.js';
import { withPlainInputs } from './kernels/util.js';
import { NativeBackend } from './native-backend.js';

/** The name the backend registers under with tfjs, for tf.setBackend and useBackend. */
export const NATIVE_BACKEND = 'native';

/** Kernel names that run on oneDNN; every other kernel is tfjs's cpu kernel, registered for 'native' too. */
export const NATIVE_KERNELS: readonly string[] = [
  tf.Conv2D,
  CONV2D_BIAS,
  tf.FusedConv2D,
  tf.Conv2DBackpropInput,
  tf.Conv2DBackpropFilter,
  CONV2D_BACKPROP_FILTER_BIAS,
  tf.MaxPool,
  tf.MaxPoolGrad,
  tf.AvgPool,
  tf.AvgPoolGrad,
  tf.BatchMatMul,
  tf._FusedMatMul,
  LINEAR_BIAS,
  tf.Transpose,
  tf.Sum,
  tf.Add,
  tf.Sub,
  tf.Multiply,
  tf.RealDiv,
  tf.Sqrt,
  tf.Square,
  tf.Relu,
  tf.Step,
  tf.Softmax,
  BATCH_NORM_TRAIN,
  BATCH_NORM_GRAD_INPUT,
  BATCH_NORM_GRAD_WEIGHT,
  tf.Abs,
  tf.Neg,
];

/**
 * Registers the tfjs backend 'native' (a NativeBackend: tfjs's cpu backend class, so tensors are the same typed
 * arrays the cpu kernels read and the addon reads and writes in place), every cpu kernel copied under 'native', and
 * the hot kernels replaced by oneDNN ones. Throws with nativeStatus().reason when the addon is not available.
 * Registering twice is a no-op.
 */
export function registerNativeBackend(): void {
  const addon = nativeAddon();
  if (tf.findBackendFactory(NATIVE_BACKEND)) return;
  // Priority below cpu's: tfjs never picks 'native' on its own; trainkit's useBackend chooses it explicitly.
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(addon), -1);
  for (const config of tf.getKernelsForBackend('cpu')) {
    // Identity shares its input's buffer and shape, so a blocked buffer stays valid; every other cpu kernel indexes
    // its inputs as NHWC
    const kernelFunc = config.kernelName === tf.Identity ? config.kernelFunc : withPlainInputs(config.kernelFunc);
    tf.registerKernel({ ...config, backendName: NATIVE_BACKEND, kernelFunc });
  }
  for (const config of [
    ...convKernels(addon),
    ...poolKernels(addon),
    ...matmulKernels(addon),
    ...layoutKernels(addon),
    ...eltwiseKernels(addon),
    ...optimKernels(addon),
    ...batchNormKernels(addon),
    ...coreCpuKernels(),
  ]) {
    // core's own kernels (the optimizer updates) reach cpu lazily, so a copy may or may not be here
    if (tf.getKernel(config.kernelName, NATIVE_BACKEND)) tf.unregisterKernel(config.kernelName, NATIVE_BACKEND);
    tf.registerKernel(config);
  }
}
