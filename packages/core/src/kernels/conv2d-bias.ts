import { tf } from '../tf.js';
import { conv2dBackpropFilterBiasOp } from './conv2d-backprop-filter-bias.js';
import { defineKernel } from './define-kernel.js';

/**
 * A convolution and its bias in one kernel: inputs {x [N, H, W, C] float32, filter [kH, kW, C, out], bias [out]},
 * attrs as tfjs's Conv2D takes them for NHWC (Conv2DBiasAttrs), output conv2d(x, filter) + bias [N, outH, outW, out].
 * Core registers it for 'cpu' (conv2dBiasCpuKernel below) and @trainkit/backend-wasm for 'wasm' (both hand it to the
 * backend's FusedConv2D); another backend may register its own under this name, and the gradient below serves them all.
 */
export const CONV2D_BIAS = 'TrainkitConv2DBias';

export interface Conv2DBiasAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC';
  /** dilated filters are spread out before they come here (convolution.ts), and tfjs has no dilated gradient */
  dilations: [1, 1];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Lazy closures for dx, unlike tfjs's fused conv2d, whose customGrad computes dx, dW and db whenever any is wanted:
 * the tape calls only the closures of inputs that lead to what is differentiated, so the first layer's dx never runs.
 *   dx = Conv2DBackpropInput(dy, W)   [dW, db] = Conv2DBackpropFilterBias(x, dy)
 * dW and db come from one kernel where the backend registers it (one pass over dy), else from Conv2DBackpropFilter
 * and Σ_{n,h,w} dy. That kernel runs when the tape reaches this node, not in a closure: each closure runs in a scope
 * of its own, and the output no closure claims (a frozen bias) must be left to the backward pass's scope to dispose.
 * dimRoundingMode goes to every kernel (tfjs's Conv2D gradient drops it), so that 'ceil' shapes agree with dy's.
 */
export const conv2dBiasOp = defineKernel<'x' | 'filter' | 'bias', Conv2DBiasAttrs>(CONV2D_BIAS, {
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dimRoundingMode, dilations } = attrs;
    if (!(typeof dilations === 'number' ? [dilations] : (dilations ?? [])).every((d) => d === 1)) {
      throw new Error(
        `${CONV2D_BIAS} gradient: expected dilations [1, 1] (spread a dilated filter out instead), got ${dilations}`,
      );
    }
    const conv = { strides, pad, dataFormat: 'NHWC', dimRoundingMode } as const;
    const run = (name: string, inputs: tf.NamedTensorMap, extra: tf.NamedAttrMap) =>
      tf.engine().runKernel(name, inputs, { ...conv, ...extra } as tf.NamedAttrMap) as tf.Tensor;
    const backpropFilter = { filterShape: filter.shape };
    const both = conv2dBackpropFilterBiasOp.has()
      ? conv2dBackpropFilterBiasOp.run({ x, dy: dy as tf.Tensor }, { ...conv, ...backpropFilter })
      : undefined;
    return {
      x: () => run(tf.Conv2DBackpropInput, { dy: dy as tf.Tensor, filter }, { inputShape: x.shape }) as tf.Tensor,
      filter: () =>
        both?.[0] ?? (run(tf.Conv2DBackpropFilter, { x, dy: dy as tf.Tensor }, backpropFilter) as tf.Tensor),
      bias: () => both?.[1] ?? tf.sum(dy as tf.Tensor, [0, 1, 2]),
    };
  },
});

/**
 * conv2d(x, filter) + bias in NHWC, on checked arguments, in one kernel where the current backend has CONV2D_BIAS:
 * the separate add is a second pass over the whole output and a second output-sized allocation. Elsewhere (another
 * backend, other dtypes) the plain conv2d and add.
 */
export function conv2dBias(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor,
  strides: [number, number],
  pad: Conv2DBiasAttrs['pad'],
  dimRoundingMode?: Conv2DBiasAttrs['dimRoundingMode'],
): tf.Tensor4D {
  const fused = x.dtype === 'float32' && filter.dtype === 'float32' && bias.dtype === 'float32' && conv2dBiasOp.has();
  if (!fused) return tf.tidy(() => tf.add(tf.conv2d(x, filter, strides, pad, 'NHWC', 1, dimRoundingMode), bias));
  const attrs: Conv2DBiasAttrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode };
  return conv2dBiasOp.run1({ x, filter, bias }, attrs) as tf.Tensor4D;
}

/**
 * CONV2D_BIAS on tfjs's cpu backend: its FusedConv2D with a linear activation. That kernel still adds the bias in a
 * second pass, so cpu gains no speed; it is here so that cpu, the reference backend, runs (and tests) the same op and
 * gradient as the backends that do gain.
 */
export const conv2dBiasCpuKernel = conv2dBiasOp.kernel(({ inputs, backend, attrs }) => {
  const fused = tf.getKernel(tf.FusedConv2D, 'cpu');
  if (!fused) throw new Error(`cpu ${CONV2D_BIAS}: tfjs-backend-cpu registered no ${tf.FusedConv2D} kernel`);
  const { x, filter, bias } = inputs as tf.NamedTensorInfoMap;
  return fused.kernelFunc({ inputs: { x, filter, bias }, backend, attrs: { ...attrs, activation: 'linear' } });
});
