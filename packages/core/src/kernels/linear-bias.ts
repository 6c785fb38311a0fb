import { tf } from '../tf.js';
import { defineKernel } from './define-kernel.js';

/**
 * A linear layer's product and bias in one kernel: inputs {x [M, K] float32, weight [N, K], bias [N]}, output
 * x·Wᵀ + b [M, N], no attributes. Core registers it for 'cpu' (tfjs's _FusedMatMul); @trainkit/backend-native
 * registers its own. wasm keeps matMul + add: its BatchMatMul kernel computes x·Wᵀ as (W·xᵀ)ᵀ, which packs the small
 * batch instead of the large weight (@trainkit/backend-wasm's kernels/batch-mat-mul.ts), and its _FusedMatMul would
 * not.
 */
export const LINEAR_BIAS = 'TrainkitLinearBias';

/**
 * Lazy closures, so that the tape runs only what leads to the differentiated variables (a first layer's dx never):
 *   dx = dy·W   dW = dyᵀ·x   db = Σ_m dy
 * (tfjs's fused matMul has a customGrad that computes all three whenever any is wanted.)
 */
export const linearBiasOp = defineKernel<'x' | 'weight' | 'bias'>(LINEAR_BIAS, {
  inputsToSave: ['x', 'weight'],
  gradFunc: (dy, saved) => {
    const [x, weight] = saved as [tf.Tensor2D, tf.Tensor2D];
    const g = dy as tf.Tensor2D;
    return {
      x: () => tf.matMul(g, weight),
      weight: () => tf.matMul(g, x, true, false),
      bias: () => tf.sum(g, 0),
    };
  },
});

/**
 * x·Wᵀ + b on checked 2-d arguments, in one kernel where the current backend has LINEAR_BIAS (the separate add is
 * another kernel call, output allocation and pass, and its gradient two more); elsewhere matMul and add.
 */
export function linearBias(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const fused = x.dtype === 'float32' && weight.dtype === 'float32' && bias.dtype === 'float32' && linearBiasOp.has();
  if (!fused) return tf.tidy(() => tf.add(tf.matMul(x, weight, false, true), bias));
  return linearBiasOp.run1({ x, weight, bias }, {}) as tf.Tensor2D;
}

/**
 * LINEAR_BIAS on tfjs's cpu backend: its _FusedMatMul (x·Wᵀ with the bias added as each output is stored), so that
 * cpu, the reference backend, runs and tests the same op and gradient as the backends that register their own.
 */
export const linearBiasCpuKernel = linearBiasOp.kernel(({ inputs, backend }) => {
  const fused = tf.getKernel(tf._FusedMatMul, 'cpu');
  if (!fused) throw new Error(`cpu ${LINEAR_BIAS}: tfjs-backend-cpu registered no ${tf._FusedMatMul} kernel`);
  const { x, weight, bias } = inputs as tf.NamedTensorInfoMap;
  return fused.kernelFunc({
    inputs: { a: x, b: weight, bias },
    backend,
    attrs: { transposeA: false, transposeB: true, activation: 'linear' },
  });
});
