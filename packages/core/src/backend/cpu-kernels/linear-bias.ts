import { LINEAR_BIAS } from '../../nn/functional/linear-bias.js';
import { tf } from '../../tf.js';

/**
 * LINEAR_BIAS on tfjs's cpu backend: its _FusedMatMul (x·Wᵀ with the bias added as each output is stored), so that
 * cpu, the reference backend, runs and tests the same op and gradient as the backends that register their own.
 */
export const linearBias: tf.KernelFunc = ({ inputs, backend }) => {
  const fused = tf.getKernel(tf._FusedMatMul, 'cpu');
  if (!fused) throw new Error(`cpu ${LINEAR_BIAS}: tfjs-backend-cpu registered no ${tf._FusedMatMul} kernel`);
  const { x, weight, bias } = inputs;
  return fused.kernelFunc({
    inputs: { a: x, b: weight, bias },
    backend,
    attrs: { transposeA: false, transposeB: true, activation: 'linear' },
  });
};
