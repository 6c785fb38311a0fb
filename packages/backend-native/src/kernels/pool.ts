import { tf } from '@trainkit/core';
import type { NativeAddon } from '../addon.js';
import { floats, floatsAnyLayout, type NativeBody, nativeKernel, sizeOf, uninitialised } from './util.js';

const MAX = 0;
const AVG = 1;
/**
 * tfjs's cpu AvgPoolGrad divides every window by the full filter size, padding included, although its forward
 * averages over the valid pixels only; the native gradient matches the cpu kernel, as conformance asks.
 */
const AVG_GRAD = 2;

type PoolInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

function poolInfo(xShape: number[], attrs: tf.NamedAttrMap): PoolInfo {
  return tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'valid',
    attrs.dimRoundingMode as 'floor' | undefined,
  );
}

/** The addon's pool dims: N,H,W,C, OH,OW, KH,KW, sH,sW, padTop,padLeft, kind. */
function poolDims(c: PoolInfo, kind: number): Int32Array {
  return Int32Array.of(
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outHeight,
    c.outWidth,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.padInfo.top,
    c.padInfo.left,
    kind,
  );
}

export function poolKernels(addon: NativeAddon): tf.KernelConfig[] {
  // a channel-blocked x (buffer-store.ts) gives a y blocked alike
  const forward =
    (kind: number): NativeBody =>
    ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const xv = floatsAnyLayout(backend, x);
      if (!xv || x.shape.length !== 4) return undefined;
      const c = poolInfo(x.shape, attrs);
      if (sizeOf(c.outShape) === 0) return undefined;
      const y = uninitialised(backend, sizeOf(c.outShape));
      const block = backend.buffers.blockOf(xv);
      addon.pool2d(xv, y, Int32Array.from([...poolDims(c, kind), block]));
      backend.buffers.setBlock(y, block);
      return backend.makeTensorInfo(c.outShape, 'float32', y);
    };

  // tfjs's MaxPoolGrad hands over dy, the input and the output but not the argmax: the addon recomputes it. A
  // max pool's x and dy blocked alike are [N·C/b] images of b channels each to the NHWC scan, and so is dx.
  const backward =
    (kind: number): NativeBody =>
    ({ inputs, backend, attrs }) => {
      const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
      let dyv = floatsAnyLayout(backend, dy);
      let xv = floatsAnyLayout(backend, input);
      if (!dyv || !xv || input.shape.length !== 4) return undefined;
      const c = poolInfo(input.shape, attrs);
      // the CIFAR net's last pool: x blocked, dy plain from the flatten — dy (4× smaller) goes blocked for the scan
      const { buffers } = backend;
      const xBlock = buffers.blockOf(xv);
      if (kind === MAX && xBlock && !buffers.blockOf(dyv) && c.inChannels % xBlock === 0) {
        dyv = buffers.blockedCopy(dyv, dy.shape, xBlock);
      }
      const block = kind === MAX && xBlock === buffers.blockOf(dyv) ? xBlock : 0;
      if (block === 0) {
        dyv = floats(backend, dy)!;
        xv = floats(backend, input)!;
      }
      const dims = poolDims(c, kind);
      if (block) {
        dims[0] = c.batchSize * (c.inChannels / block);
        dims[3] = block;
      }
      const dx = uninitialised(backend, sizeOf(input.shape));
      addon.pool2dBackward(xv, dyv, dx, dims);
      backend.buffers.setBlock(dx, block);
      return backend.makeTensorInfo(input.shape, 'float32', dx);
    };

  return [
    nativeKernel(tf.MaxPool, forward(MAX)),
    nativeKernel(tf.MaxPoolGrad, backward(MAX)),
    nativeKernel(tf.AvgPool, forward(AVG)),
    nativeKernel(tf.AvgPoolGrad, backward(AVG_GRAD)),
  ];
}
