import { tf } from '../tf.js';
import { defineKernel } from './define-kernel.js';

/**
 * The weight and bias gradients of a convolution with a bias, in one kernel:
 *
 *   dW = Conv2DBackpropFilter(x, dy)   [kH, kW, C, out]      db = Σ_{n, h, w} dy   [out]
 *
 * inputs {x [N, H, W, C], dy [N, outH, outW, out]} float32 NHWC, attrs as tfjs's Conv2DBackpropFilter takes them,
 * outputs [dW, db]. A backend whose filter gradient reads all of dy anyway sums it for the bias in the same pass
 * (oneDNN's backward-weights primitive does); core's CONV2D_BIAS gradient runs it where the backend registers it,
 * and a Conv2DBackpropFilter and a Sum elsewhere.
 */
export const CONV2D_BACKPROP_FILTER_BIAS = 'TrainkitConv2DBackpropFilterBias';

export interface Conv2DBackpropFilterBiasAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export const conv2dBackpropFilterBiasOp = defineKernel<'x' | 'dy', Conv2DBackpropFilterBiasAttrs>(
  CONV2D_BACKPROP_FILTER_BIAS,
);

/** The cpu backend's kernel, the reference: its own Conv2DBackpropFilter and Sum kernels, one after the other. */
export const conv2dBackpropFilterBiasCpuKernel = conv2dBackpropFilterBiasOp.kernel(({ inputs, backend, attrs }) => {
  const kernel = (name: string) => {
    const config = tf.getKernel(name, 'cpu');
    if (!config) throw new Error(`cpu ${CONV2D_BACKPROP_FILTER_BIAS}: tfjs-backend-cpu registered no ${name} kernel`);
    return config.kernelFunc;
  };
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const dW = kernel(tf.Conv2DBackpropFilter)({
    inputs: { x, dy },
    backend,
    attrs: attrs as unknown as tf.NamedAttrMap,
  }) as tf.TensorInfo;
  const db = kernel(tf.Sum)({
    inputs: { x: dy },
    backend,
    attrs: { axis: [0, 1, 2], keepDims: false },
  }) as tf.TensorInfo;
  return [dW, db];
});
