import { tf } from '@trainkit/core';
import { CONV2D_BACKPROP_FILTER_BIAS, CONV2D_BIAS } from '@trainkit/core/kernels';
import type { ConvParams, NativeAddon } from '../addon.js';
import type { NativeBackend } from '../native-backend.js';
import { floats, floatsAnyLayout, type NativeBody, nativeKernel, sizeOf, uninitialised } from './util.js';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** The addon's ConvParams of a tfjs conv info, with what the call adds (bias, relu, layouts). */
function convParams(
  c: Conv2DInfo,
  call: Pick<ConvParams, 'hasBias' | 'relu' | 'xBlock' | 'dyBlock' | 'blockedOut'>,
): ConvParams {
  return {
    batch: c.batchSize,
    inHeight: c.inHeight,
    inWidth: c.inWidth,
    inChannels: c.inChannels,
    outChannels: c.outChannels,
    filterHeight: c.filterHeight,
    filterWidth: c.filterWidth,
    outHeight: c.outHeight,
    outWidth: c.outWidth,
    strideHeight: c.strideHeight,
    strideWidth: c.strideWidth,
    dilationHeight: c.dilationHeight,
    dilationWidth: c.dilationWidth,
    padTop: c.padInfo.top,
    padLeft: c.padInfo.left,
    ...call,
  };
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
  /** A layer's forward: bias (one per output channel) and relu fused into the primitive when given. */
  const forward = (
    backend: NativeBackend,
    x: tf.TensorInfo,
    filter: tf.TensorInfo,
    attrs: tf.NamedAttrMap,
    bias: Float32Array | undefined,
    relu: boolean,
  ): tf.TensorInfo | undefined => {
    const xv = floatsAnyLayout(backend, x);
    const wv = floats(backend, filter);
    const c = info(x.shape, filter.shape, attrs, attrs.dilations as [number, number]);
    if (!xv || !wv || !c || sizeOf(c.outShape) === 0) return undefined;
    if (bias && bias.length !== c.outChannels) return undefined;
    const y = uninitialised(backend, sizeOf(c.outShape));
    const params = convParams(c, {
      hasBias: bias !== undefined,
      relu,
      xBlock: backend.buffers.blockOf(xv),
      dyBlock: 0,
      blockedOut: true,
    });
    backend.buffers.setBlock(y, addon.conv2d(xv, wv, y, params, bias ?? null, backend.buffers.versionOf(wv)));
    return backend.makeTensorInfo(c.outShape, 'float32', y);
  };

  const conv2d: NativeBody = ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    return forward(backend, x, filter, attrs, undefined, false);
  };

  // core's conv2d + bias (Conv2d layers): the bias is added inside the primitive
  const conv2dBias: NativeBody = ({ inputs, backend, attrs }) => {
    const { x, filter, bias } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias: tf.TensorInfo };
    const bv = floats(backend, bias);
    return bv && forward(backend, x, filter, attrs, bv, false);
  };

  // tfjs's fused conv: bias and relu fused; other biases, prelu and the rarer activations go to the cpu kernel
  const fusedConv2d: NativeBody = ({ inputs, backend, attrs }) => {
    const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if (!x || !filter || preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return undefined;
    const bv = bias ? floats(backend, bias) : undefined;
    if ((bias && !bv) || (!bv && activation === 'relu')) return undefined;
    return forward(backend, x, filter, attrs, bv, activation === 'relu');
  };

  const backpropInput: NativeBody = ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const dyv = floatsAnyLayout(backend, dy);
    const wv = floats(backend, filter);
    const inputShape = attrs.inputShape as number[];
    const c = info(inputShape, filter.shape, attrs);
    if (!dyv || !wv || !c || sizeOf(inputShape) === 0) return undefined;
    const dx = uninitialised(backend, sizeOf(inputShape));
    const params = convParams(c, {
      hasBias: false,
      relu: false,
      xBlock: 0,
      dyBlock: backend.buffers.blockOf(dyv),
      blockedOut: true,
    });
    backend.buffers.setBlock(dx, addon.conv2dBackwardData(dyv, wv, dx, params, backend.buffers.versionOf(wv)));
    return backend.makeTensorInfo(inputShape, 'float32', dx);
  };

  /** dW, and with `bias` db = Σ dy over N, H, W, which the primitive sums in the same pass over dy */
  const weightGradients = (
    backend: NativeBackend,
    inputs: tf.NamedTensorInfoMap,
    attrs: tf.NamedAttrMap,
    bias: boolean,
  ) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const xv = floatsAnyLayout(backend, x);
    const dyv = floatsAnyLayout(backend, dy);
    const filterShape = attrs.filterShape as number[];
    const c = info(x.shape, filterShape, attrs);
    if (!xv || !dyv || !c) return undefined;
    const dw = uninitialised(backend, sizeOf(filterShape));
    const db = bias ? uninitialised(backend, c.outChannels) : undefined;
    const params = convParams(c, {
      hasBias: bias,
      relu: false,
      xBlock: backend.buffers.blockOf(xv),
      dyBlock: backend.buffers.blockOf(dyv),
      blockedOut: false,
    });
    addon.conv2dBackwardWeights(xv, dyv, dw, params, db);
    const dwInfo = backend.makeTensorInfo(filterShape, 'float32', dw);
    return db ? [dwInfo, backend.makeTensorInfo([c.outChannels], 'float32', db)] : dwInfo;
  };

  return [
    nativeKernel(tf.Conv2D, conv2d),
    nativeKernel(CONV2D_BIAS, conv2dBias),
    nativeKernel(tf.FusedConv2D, fusedConv2d),
    nativeKernel(tf.Conv2DBackpropInput, backpropInput),
    nativeKernel(tf.Conv2DBackpropFilter, ({ inputs, backend, attrs }) =>
      weightGradients(backend, inputs, attrs, false),
    ),
    nativeKernel(CONV2D_BACKPROP_FILTER_BIAS, ({ inputs, backend, attrs }) =>
      weightGradients(backend, inputs, attrs, true),
    ),
  ];
}
