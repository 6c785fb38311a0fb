import { tf } from '@trainkit/core';
import { CONV2D_BIAS } from '@trainkit/core/kernels';
import { makeNumericPadding } from './numeric-padding.js';

/**
 * CONV2D_BIAS on the wasm backend: its FusedConv2D with a linear activation, which XNNPACK runs as one convolution
 * that starts every output from the bias (no second pass, no second output). A numeric pad goes through the same fix
 * for dimRoundingMode as Conv2D's (numeric-padding.ts). Looked up per call, so that it is the thread-pool wrapper
 * (parallel-work.ts) that runs.
 */
export const conv2dBias: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const fused = tf.getKernel(tf.FusedConv2D, 'wasm');
  if (!fused) throw new Error(`wasm ${CONV2D_BIAS}: tfjs-backend-wasm registered no ${tf.FusedConv2D} kernel`);
  const { x, filter, bias } = inputs;
  const run = makeNumericPadding(fused, 'conv');
  return run({ inputs: { x, filter, bias }, backend, attrs: { ...attrs, activation: 'linear' } });
};
