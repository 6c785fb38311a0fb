import type { tf } from '@trainkit/core';
import { BATCH_NORM_GRAD_INPUT, BATCH_NORM_GRAD_WEIGHT, BATCH_NORM_TRAIN } from '@trainkit/core/kernels';
import type { NativeAddon } from '../addon.js';
import type { NativeBackend } from '../native-backend.js';
import { floats, floatsAnyLayout, type NativeBody, nativeKernel, uninitialised } from './util.js';

/**
 * The addon's view of channels-last activations, [outer, blocks, inner, lanes]: [M, 1, 1, C] for NHWC or [M, C],
 * [N, C/b, H·W, b] for a channel-blocked 4-d buffer. Undefined unless every named tensor is float32 and they share
 * a layout (then the mixed ones are brought to NHWC and the plain view is used).
 */
function view(backend: NativeBackend, shape: number[], tensors: tf.TensorInfo[]) {
  const raw = tensors.map((t) => floatsAnyLayout(backend, t));
  if (raw.some((r) => !r) || shape.length < 2) return undefined;
  const block = backend.buffers.blockOf(raw[0]!);
  const c = shape[shape.length - 1]!;
  if (block && shape.length === 4 && raw.every((r) => backend.buffers.blockOf(r!) === block)) {
    const [n, h, w] = shape as [number, number, number, number];
    return { values: raw as Float32Array[], block, dims: Int32Array.of(n, c / block, h * w, block) };
  }
  const values = tensors.map((t) => floats(backend, t)!);
  return { values, block: 0, dims: Int32Array.of(values[0]!.length / c, 1, 1, c) };
}

const optional = (backend: NativeBackend, t: tf.TensorInfo | undefined) => (t ? floats(backend, t) : undefined);

/** core's training-mode batch-norm kernels (see its BATCH_NORM_TRAIN) on the addon, blocked buffers included. */
export function batchNormKernels(addon: NativeAddon): tf.KernelConfig[] {
  const train: NativeBody = ({ inputs, backend, attrs }) => {
    const { x, weight, bias } = inputs as Record<string, tf.TensorInfo | undefined>;
    const v = x && view(backend, x.shape, [x]);
    if (!x || !v) return undefined;
    const c = x.shape[x.shape.length - 1]!;
    const [y, mean, variance] = [
      uninitialised(backend, v.values[0]!.length),
      uninitialised(backend, c),
      uninitialised(backend, c),
    ];
    const [w, b] = [optional(backend, weight), optional(backend, bias)];
    addon.batchNormTrain(v.values[0]!, y, mean, variance, w ?? null, b ?? null, v.dims, Number(attrs.eps));
    backend.buffers.setBlock(y, v.block);
    return [
      backend.makeTensorInfo(x.shape, 'float32', y),
      backend.makeTensorInfo([c], 'float32', mean),
      backend.makeTensorInfo([c], 'float32', variance),
    ];
  };

  const gradInput: NativeBody = ({ inputs, backend, attrs }) => {
    const { dy, x, mean, variance, weight } = named(inputs);
    const v = view(backend, x.shape, [x, dy]);
    const [m, s] = [floats(backend, mean), floats(backend, variance)];
    if (!v || !m || !s) return undefined;
    const dx = uninitialised(backend, v.values[0]!.length);
    const [xv, dyv] = v.values as [Float32Array, Float32Array];
    addon.batchNormGradInput(dyv, xv, m, s, optional(backend, weight) ?? null, dx, v.dims, Number(attrs.eps));
    backend.buffers.setBlock(dx, v.block);
    return backend.makeTensorInfo(x.shape, 'float32', dx);
  };

  const gradWeight: NativeBody = ({ inputs, backend, attrs }) => {
    const { dy, x, mean, variance } = named(inputs);
    const v = view(backend, x.shape, [x, dy]);
    const [m, s] = [floats(backend, mean), floats(backend, variance)];
    if (!v || !m || !s) return undefined;
    const dw = uninitialised(backend, m.length);
    const [xv, dyv] = v.values as [Float32Array, Float32Array];
    addon.batchNormGradWeight(dyv, xv, m, s, dw, v.dims, Number(attrs.eps));
    return backend.makeTensorInfo([m.length], 'float32', dw);
  };

  return [
    nativeKernel(BATCH_NORM_TRAIN, train),
    nativeKernel(BATCH_NORM_GRAD_INPUT, gradInput),
    nativeKernel(BATCH_NORM_GRAD_WEIGHT, gradWeight),
  ];
}

/** The gradient kernels' inputs (core names the variance `var`). */
function named(inputs: tf.NamedTensorInfoMap) {
  const i = inputs as Record<string, tf.TensorInfo>;
  return { dy: i.dy!, x: i.x!, mean: i.mean!, variance: i.var!, weight: i.weight };
}
