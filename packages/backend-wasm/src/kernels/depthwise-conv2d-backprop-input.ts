import { tf } from '@trainkit/core';
import { typedKernel } from '@trainkit/core/kernels';
import { conv2dWithPads, insertZeros } from './conv2d-with-pads.js';
import { pair, release, runKernel, shape4, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

/**
 * dx of a depthwise convolution (filter [kh, kw, c, m]), missing from tfjs-backend-wasm 4.22: each of the c·m output
 * channels is correlated with its own spatially flipped filter by XNNPACK's depthwise kernel (dilation kept, stride
 * turned into inserted zeros), then the m channels that came from one input channel are summed.
 */
export const depthwiseConv2dNativeBackpropInput = typedKernel<tf.DepthwiseConv2dNativeBackpropInputAttrs>(
  ({ inputs, backend, attrs }) => {
    const b = backend as WasmBackend;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
    const fShape = shape4(filter.shape, 'filter');
    const info = tf.backend_util.computeConv2DInfo(
      shape4(inputShape, 'inputShape'),
      fShape,
      strides,
      dilations,
      pad,
      dimRoundingMode,
      true,
    );
    const [n, h, w, c] = inputShape;
    const [kh, kw, , m] = fShape;
    const [dh, dw] = pair(dilations);
    const { top, left } = info.padInfo;
    const spread = insertZeros(b, dy, [info.strideHeight, info.strideWidth]);
    const [, lh, lw] = spread.shape as [number, number, number, number];
    const flipped = runKernel(b, 'Reverse', { x: filter }, { dims: [0, 1] });
    const perChannel = runKernel(b, 'Reshape', { x: flipped }, { shape: [kh, kw, c * m, 1] });
    const ekh = (kh - 1) * dh + 1;
    const ekw = (kw - 1) * dw + 1;
    const pads = { top: ekh - 1 - top, bottom: h + top - lh, left: ekw - 1 - left, right: w + left - lw };
    const spreadDx = conv2dWithPads(b, spread, perChannel, pads, [dh, dw], 'DepthwiseConv2dNative');
    release(b, spread, flipped, perChannel);
    if (m === 1) return spreadDx;
    const grouped = runKernel(b, 'Reshape', { x: spreadDx }, { shape: [n, h, w, c, m] });
    const dx = runKernel(b, 'Sum', { x: grouped }, { axis: [4], keepDims: false });
    release(b, spreadDx, grouped);
    return dx;
  },
);
