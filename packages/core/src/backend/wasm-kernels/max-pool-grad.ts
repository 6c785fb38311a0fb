import { tf } from '../../tf.js';
import { heapF32, shape4, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

/**
 * dx of max pooling: each window's dy goes to the first position (row-major) holding the window's maximum, the tie
 * rule of tfjs's cpu kernel and of PyTorch. Replaces tfjs-backend-wasm's kernel, which is wrong in some
 * configurations (2×2 stride 2 among them) and took 65 ms for the CIFAR net's first pool (64×32×32×32).
 */
export const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WasmBackend;
  const { dy, input, output } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
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
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const dx = b.makeOutput([n, h, w, c], 'float32');
  const xv = heapF32(b, input);
  const yv = heapF32(b, output);
  const dyv = heapF32(b, dy);
  const dxv = heapF32(b, dx);
  dxv.fill(0);
  for (let bn = 0; bn < n; bn++) {
    for (let i = 0; i < oh; i++) {
      const r0 = i * sh - top;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(h, r0 + kh);
      for (let j = 0; j < ow; j++) {
        const c0 = j * sw - left;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(w, c0 + kw);
        const yBase = ((bn * oh + i) * ow + j) * c;
        for (let k = 0; k < c; k++) {
          // the first pixel equal to the window's maximum is the first maximum; scanning until it is found costs one
          // mispredicted branch per window and channel, where a running argmax costs one per comparison
          const y = yv[yBase + k]!;
          search: for (let r = rMin; r < rMax; r++) {
            let at = ((bn * h + r) * w + cMin) * c + k;
            for (let col = cMin; col < cMax; col++, at += c) {
              if (xv[at] === y) {
                dxv[at]! += dyv[yBase + k]!;
                break search;
              }
            }
          }
        }
      }
    }
  }
  return dx;
};
