import { tf } from '@trainkit/core';
import type { NativeAddon } from '../addon.js';
import { floats, type NativeBody, nativeKernel, sizeOf, uninitialised } from './util.js';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** The addon's conv dims: N,H,W,C, OC,KH,KW, OH,OW, sH,sW, dH,dW, padTop,padLeft (NHWC / HWIO). */
function convDims(c: Conv2DInfo): Int32Array {
  return Int32Array.of(
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outChannels,
    c.filterHeight,
    c.filterWidth,
    c.outHeight,
    c.outWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    c.padInfo.top,
    c.padInfo.left,
  );
}

function info(
  xShape: number[],
  filterShape: number[],
  attrs: tf.NamedAttrMap,
  dilations: number | [number, number] = 1,
): Conv2DInfo | undefined {
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return undefined;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    dilations,
    attrs.pad as 'valid',
    attrs.dimRoundingMode as 'floor' | undefined,
    false,
    'channelsLast',
  );
}

export function convKernels(addon: NativeAddon): tf.KernelConfig[] {
  const conv2d: NativeBody = ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const xv = floats(backend, x);
    const wv = floats(backend, filter);
    const c = info(x.shape, filter.shape, attrs, attrs.dilations as [number, number]);
    if (!xv || !wv || !c || sizeOf(c.outShape) === 0) return undefined;
    const y = uninitialised(sizeOf(c.outShape));
    addon.conv2d(xv, wv, y, convDims(c));
    return backend.makeTensorInfo(c.outShape, 'float32', y);
  };

  const backpropInput: NativeBody = ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const dyv = floats(backend, dy);
    const wv = floats(backend, filter);
    const inputShape = attrs.inputShape as number[];
    const c = info(inputShape, filter.shape, attrs);
    if (!dyv || !wv || !c || sizeOf(inputShape) === 0) return undefined;
    const dx = uninitialised(sizeOf(inputShape));
    addon.conv2dBackwardData(dyv, wv, dx, convDims(c));
    return backend.makeTensorInfo(inputShape, 'float32', dx);
  };

  const backpropFilter: NativeBody = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const xv = floats(backend, x);
    const dyv = floats(backend, dy);
    const filterShape = attrs.filterShape as number[];
    const c = info(x.shape, filterShape, attrs);
    if (!xv || !dyv || !c) return undefined;
    const dw = uninitialised(sizeOf(filterShape));
    addon.conv2dBackwardWeights(xv, dyv, dw, convDims(c));
    return backend.makeTensorInfo(filterShape, 'float32', dw);
  };

  // A layer's conv: bias (one per output channel) and relu fused into the oneDNN primitive. Other biases, prelu and
  // the rarer activations go to the cpu kernel.
  const fusedConv2d: NativeBody = ({ inputs, backend, attrs }) => {
    const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if (!x || !filter || preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return undefined;
    const xv = floats(backend, x);
    const wv = floats(backend, filter);
    const c = info(x.shape, filter.shape, attrs, attrs.dilations as [number, number]);
    if (!xv || !wv || !c || sizeOf(c.outShape) === 0) return undefined;
    const bv = bias ? floats(backend, bias) : undefined;
    if (bias && (!bv || bv.length !== c.outChannels)) return undefined;
    if (!bv && activation === 'relu') return undefined;
    const y = uninitialised(sizeOf(c.outShape));
    const dims = convDims(c);
    if (bv) addon.conv2d(xv, wv, y, Int32Array.from([...dims, 1, activation === 'relu' ? 1 : 0]), bv);
    else addon.conv2d(xv, wv, y, dims);
    return backend.makeTensorInfo(c.outShape, 'float32', y);
  };

  return [
    nativeKernel(tf.Conv2D, conv2d),
    nativeKernel(tf.FusedConv2D, fusedConv2d),
    nativeKernel(tf.Conv2DBackpropInput, backpropInput),
    nativeKernel(tf.Conv2DBackpropFilter, backpropFilter),
  ];
}
