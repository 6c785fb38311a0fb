import { tf } from '@trainkit/core';
import { typedKernel } from '@trainkit/core/kernels';
import { heapModule, heapOffset } from './simd/heap-module.js';
import { MAX_POOL_GRAD_WASM } from './simd/max-pool-grad-binary.js';
import { heapF32, shape4, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

interface MaxPoolGradFunctions {
  maxPoolGrad(...args: number[]): void;
}

/**
 * dx of max pooling: each window's dy goes to the first position (row-major) holding the window's maximum, the tie
 * rule of tfjs's cpu kernel and of PyTorch. Replaces tfjs-backend-wasm's kernel, which is wrong in some
 * configurations (2×2 stride 2 among them) and took 65 ms for the CIFAR net's first pool (64×32×32×32). Runs as a
 * wasm SIMD loop over the heap, 4 channels at a time, compare-and-mask without a branch per channel
 * (simd/max-pool-grad.wat): half the time of the scalar JavaScript scan it replaces (8.8 ms against 17 ms of CPU
 * time for that pool, reading dx back included).
 */
export const maxPoolGrad = typedKernel<tf.MaxPoolGradAttrs>(({ inputs, backend, attrs }) => {
  const b = backend as WasmBackend;
  const { dy, input, output } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = tf.backend_util.computePool2DInfo(
    shape4(input.shape, 'input'),
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [n, h, w, c] = input.shape as [number, number, number, number];
  const [, oh, ow] = shape4(dy.shape, 'dy');
  const dx = b.makeOutput([n, h, w, c], 'float32');
  heapF32(b, dx).fill(0);
  if (n * oh * ow * c === 0) return dx;
  const { maxPoolGrad: run } = heapModule<MaxPoolGradFunctions>(b, MAX_POOL_GRAD_WASM);
  const at = (t: TensorInfo) => heapOffset(b, t);
  run(
    at(input),
    at(output),
    at(dy),
    at(dx),
    n,
    h,
    w,
    c,
    oh,
    ow,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  );
  return dx;
});
