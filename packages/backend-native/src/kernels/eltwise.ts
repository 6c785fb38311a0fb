import { tf } from '@trainkit/core';
import type { NativeAddon } from '../addon.js';
import { floats, floatsAnyLayout, NATIVE_FROM, type NativeBody, nativeKernel, uninitialised } from './util.js';

/**
 * Kernel name → the addon's eltwise kind (src/native/eltwise.cc). Exp (3) and Log (4) stay on the cpu kernels:
 * oneDNN's polynomial approximations are off by up to ~6e-5 relative near log(1), which log_softmax and the
 * cross-entropy of confident logits turn into errors PyTorch's fixtures reject.
 */
const KINDS: [string, number][] = [
  [tf.Sqrt, 0],
  [tf.Square, 1],
  [tf.Relu, 2],
  [tf.Abs, 5],
  [tf.Neg, 6],
];

export function eltwiseKernels(addon: NativeAddon): tf.KernelConfig[] {
  const unary = KINDS.map(([name, kind]) => {
    const body: NativeBody = ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      // position by position, so a channel-blocked x (buffer-store.ts) gives a y blocked alike
      const xv = floatsAnyLayout(backend, x);
      if (!xv || xv.length < NATIVE_FROM) return undefined;
      const y = uninitialised(backend, xv.length);
      addon.eltwise(xv, y, Int32Array.of(kind, xv.length));
      backend.buffers.setBlock(y, backend.buffers.blockOf(xv));
      return backend.makeTensorInfo(x.shape, 'float32', y);
    };
    return nativeKernel(name, body);
  });
  // relu's gradient, dy·step(x): float inputs only (tfjs also steps int32 tensors)
  const step: NativeBody = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const xv = floatsAnyLayout(backend, x);
    if (!xv || xv.length < NATIVE_FROM) return undefined;
    const y = uninitialised(backend, xv.length);
    addon.step(xv, y, Number(attrs.alpha ?? 0));
    backend.buffers.setBlock(y, backend.buffers.blockOf(xv));
    return backend.makeTensorInfo(x.shape, 'float32', y);
  };
  // tfjs's Softmax reduces over the last axis only (dim -1 or rank − 1), which is all this takes too
  const softmax: NativeBody = ({ inputs, backend, attrs }) => {
    const { logits } = inputs as { logits: tf.TensorInfo };
    const rank = logits.shape.length;
    const dim = Number(attrs.dim ?? -1);
    const xv = floats(backend, logits);
    if (!xv || rank === 0 || (dim !== -1 && dim !== rank - 1)) return undefined;
    const cols = logits.shape[rank - 1]!;
    const y = uninitialised(backend, xv.length);
    addon.softmax(xv, y, xv.length / cols, cols);
    return backend.makeTensorInfo(logits.shape, 'float32', y);
  };
  return [...unary, nativeKernel(tf.Step, step), nativeKernel(tf.Softmax, softmax)];
}
