import { tf } from '@trainkit/core';
import { runKernel, shape4, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

type Geometry = { outHeight: number; outWidth: number; strideHeight: number; strideWidth: number } & {
  effectiveFilterHeight: number;
  effectiveFilterWidth: number;
  inHeight: number;
  inWidth: number;
};

/**
 * The explicit padding that makes XNNPACK, which always rounds down, produce tfjs's output size: the extra
 * bottom/right rows that a dimRoundingMode of 'ceil' (PyTorch's ceil_mode) needs. Pooling leaves padding out and a
 * convolution multiplies it by zero, which is what tfjs's cpu kernels do with those positions.
 */
function explicitPadding(info: Geometry, pad: number): number[][] {
  const bottom = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight - info.inHeight - pad;
  const right = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth - info.inWidth - pad;
  return [
    [0, 0],
    [pad, Math.max(0, bottom)],
    [pad, Math.max(0, right)],
    [0, 0],
  ];
}

/**
 * MaxPool, AvgPool, Conv2D and DepthwiseConv2dNative with a numeric pad: tfjs-backend-wasm 4.22 hands XNNPACK the pad
 * and ignores dimRoundingMode, so `ceil` gave tfjs's (larger) output shape filled with wrong numbers. The wrapper
 * passes the equivalent explicit padding instead; string and explicit pads go to the stock kernel untouched.
 */
export function makeNumericPadding(stock: tf.KernelConfig, kind: 'pool' | 'conv' | 'depthwise'): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const b = backend as WasmBackend;
    const a = (attrs ?? {}) as Record<string, unknown>;
    const pad = a.pad;
    if (typeof pad !== 'number') return runKernel(b, stock.kernelName, inputs, attrs, stock);
    const x = inputs.x as TensorInfo;
    const rounding = a.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined;
    const info =
      kind === 'pool'
        ? tf.backend_util.computePool2DInfo(
            shape4(x.shape, 'x'),
            a.filterSize as number,
            a.strides as number,
            1,
            pad,
            rounding,
          )
        : tf.backend_util.computeConv2DInfo(
            shape4(x.shape, 'x'),
            shape4((inputs.filter as TensorInfo).shape, 'filter'),
            a.strides as number,
            (a.dilations as number | undefined) ?? 1,
            pad,
            rounding,
            kind === 'depthwise',
          );
    const explicit = { ...a, pad: explicitPadding(info, pad), dimRoundingMode: undefined };
    return runKernel(b, stock.kernelName, inputs, explicit as unknown as tf.NamedAttrMap, stock);
  };
}
