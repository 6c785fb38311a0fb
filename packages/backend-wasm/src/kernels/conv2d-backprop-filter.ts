import { tf } from '@trainkit/core';
import { typedKernel } from '@trainkit/core/kernels';
import { conv2dWithPads } from './conv2d-with-pads.js';
import { release, requireNHWC, runKernel, shape4, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

/**
 * dW of a 2-D convolution, which tfjs-backend-wasm 4.22 lacks (so conv nets cannot train on it).
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[n, oh, ow, co]
 *
 * is itself a convolution: input xᵀ = [ci, H, W, n] (batch ↔ channels), filter dyᵀ = [oh, ow, n, co] with
 * dilation = the forward stride, output [ci, kh, kw, co]; so XNNPACK does the work. Against im2col + MatMul on the
 * CIFAR net it is 5 ms slower on the 3-channel first layer and 50 ms faster on the second (tools/bench/README.md).
 */
export const conv2DBackpropFilter = typedKernel<tf.Conv2DBackpropFilterAttrs>(({ inputs, backend, attrs }) => {
  const b = backend as WasmBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  requireNHWC('Conv2DBackpropFilter', dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    shape4(x.shape, 'x'),
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [, h, w] = x.shape as [number, number, number, number];
  // dy's own shape, not convInfo's: the pool/conv gradients do not forward dimRoundingMode in every tfjs op.
  const [, oh, ow] = shape4(dy.shape, 'dy');
  const [kh, kw] = filterShape;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const pads = { top, left, bottom: kh + (oh - 1) * sh - h - top, right: kw + (ow - 1) * sw - w - left };
  const xT = runKernel(b, 'Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyT = runKernel(b, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const dwT = conv2dWithPads(b, xT, dyT, pads, [sh, sw]);
  release(b, xT, dyT);
  const dw = runKernel(b, 'Transpose', { x: dwT }, { perm: [1, 2, 0, 3] });
  release(b, dwT);
  return dw;
});
