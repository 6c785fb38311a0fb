import { tf } from '@trainkit/core';
import { typedKernel } from '@trainkit/core/kernels';
import { heapF32, shape4, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

/**
 * dx of average pooling: each window's dy, divided by the number of input pixels the window covers, goes to each of
 * them. That is the gradient of tfjs's AvgPool forward on every backend, which leaves padding out of the average;
 * tfjs's own AvgPoolGrad kernels (cpu and wasm 4.22) divide by the full window instead, wrong wherever a window
 * reaches into padding. One pass, channels innermost.
 */
export const avgPoolGrad = typedKernel<tf.AvgPoolGradAttrs>(({ inputs, backend, attrs }) => {
  const b = backend as WasmBackend;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad } = attrs;
  const info = tf.backend_util.computePool2DInfo(shape4(input.shape, 'input'), filterSize, strides, 1, pad);
  const [n, h, w, c] = input.shape as [number, number, number, number];
  const [, oh, ow] = shape4(dy.shape, 'dy');
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const dx = b.makeOutput([n, h, w, c], 'float32');
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
        const count = (rMax - rMin) * (cMax - cMin);
        if (count <= 0) continue;
        const scale = 1 / count;
        const dyBase = ((bn * oh + i) * ow + j) * c;
        for (let r = rMin; r < rMax; r++) {
          for (let col = cMin; col < cMax; col++) {
            const base = ((bn * h + r) * w + col) * c;
            for (let k = 0; k < c; k++) dxv[base + k]! += dyv[dyBase + k]! * scale;
          }
        }
      }
    }
  }
  return dx;
});
