import { tf } from '../../tf.js';

/**
 * A linear layer's product and bias in one kernel: inputs {x [M, K] float32, weight [N, K], bias [N]}, output
 * x·Wᵀ + b [M, N], no attributes. Core registers it for 'cpu' (tfjs's _FusedMatMul); @trainkit/backend-native
 * registers its own. wasm keeps matMul + add: its BatchMatMul kernel computes x·Wᵀ as (W·xᵀ)ᵀ, which packs the small
 * batch instead of the large weight (wasm-kernels/batch-mat-mul.ts), and its _FusedMatMul would not.
 */
export const LINEAR_BIAS = 'TrainkitLinearBias';

/**
 * Lazy closures, so that the tape runs only what leads to the differentiated variables (a first layer's dx never):
 *   dx = dy·W   dW = dyᵀ·x   db = Σ_m dy
 * (tfjs's fused matMul has a customGrad that computes all three whenever any is wanted.)
 */
const linearBiasGrad: tf.GradConfig = {
  kernelName: LINEAR_BIAS,
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
};

// Where the name can be imported its gradient exists; a second copy of trainkit (ESM and CJS) registered the same one.
if (!tf.getGradient(LINEAR_BIAS)) tf.registerGradient(linearBiasGrad);

/**
 * x·Wᵀ + b on checked 2-d arguments, in one kernel where the current backend has LINEAR_BIAS (the separate add is
 * another kernel call, output allocation and pass, and its gradient two more); elsewhere matMul and add.
 */
export function linearBias(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const fused =
    x.dtype === 'float32' &&
    weight.dtype === 'float32' &&
    bias.dtype === 'float32' &&
    tf.getKernel(LINEAR_BIAS, tf.getBackend()) !== undefined;
  if (!fused) return tf.tidy(() => tf.add(tf.matMul(x, weight, false, true), bias));
  return tf.engine().runKernel(LINEAR_BIAS, { x, weight, bias }) as tf.Tensor2D;
}
