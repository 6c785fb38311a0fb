import { CONV2D_BIAS } from '../../nn/functional/conv2d-bias.js';
import { tf } from '../../tf.js';

/**
 * CONV2D_BIAS on tfjs's cpu backend: its FusedConv2D with a linear activation. That kernel still adds the bias in a
 * second pass, so cpu gains no speed; it is here so that cpu, the reference backend, runs (and tests) the same op and
 * gradient as the backends that do gain.
 */
export const conv2dBias: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const fused = tf.getKernel(tf.FusedConv2D, 'cpu');
  if (!fused) throw new Error(`cpu ${CONV2D_BIAS}: tfjs-backend-cpu registered no ${tf.FusedConv2D} kernel`);
  const { x, filter, bias } = inputs;
  return fused.kernelFunc({ inputs: { x, filter, bias }, backend, attrs: { ...attrs, activation: 'linear' } });
};
