import type { tf } from '@trainkit/core';
import type { TensorInfo, WasmBackend } from './wasm-kernel-call.js';

/**
 * Identity that shares its input's memory (one more reference), as tfjs's cpu backend does, instead of copying it.
 * The engine clones every tensor a gradient needs while it records a tape (48 per CIFAR training step, some of them
 * 8 MB activations); kernels never write into their inputs, and a variable's assign replaces its data, so a shared
 * buffer is never changed under a clone.
 */
export const identity: tf.KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  (backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};
