import { tf } from '@trainkit/core';
import { typedKernel } from '@trainkit/core/kernels';
import { heapF32, pair, shape4, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

/**
 * dW of a depthwise convolution, missing from tfjs-backend-wasm 4.22:
 *
 *   dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, oh·sh + kh·dh − top, ow·sw + kw·dw − left, c] · dy[n, oh, ow, c·M + m]
 *
 * No XNNPACK operator reduces over the batch per channel, so this is one pass over dy in plain JavaScript, channels
 * innermost (contiguous in NHWC), accumulating in float64 as tfjs's cpu reference does.
 */
export const depthwiseConv2dNativeBackpropFilter = typedKernel<tf.DepthwiseConv2dNativeBackpropFilterAttrs>(
  ({ inputs, backend, attrs }) => {
    const b = backend as WasmBackend;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
    const info = tf.backend_util.computeConv2DInfo(
      shape4(x.shape, 'x'),
      filterShape,
      strides,
      dilations,
      pad,
      dimRoundingMode,
      true,
    );
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [, oh, ow] = shape4(dy.shape, 'dy');
    const [kh, kw, , m] = filterShape;
    const [dh, dw] = pair(dilations);
    const { strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const cm = c * m;
    const acc = new Float64Array(kh * kw * cm);
    const out = b.makeOutput([...filterShape], 'float32');
    const xv = heapF32(b, x);
    const dyv = heapF32(b, dy);
    for (let bn = 0; bn < n; bn++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const dyBase = ((bn * oh + i) * ow + j) * cm;
          for (let p = 0; p < kh; p++) {
            const r = i * sh - top + p * dh;
            if (r < 0 || r >= h) continue;
            for (let q = 0; q < kw; q++) {
              const col = j * sw - left + q * dw;
              if (col < 0 || col >= w) continue;
              const xBase = ((bn * h + r) * w + col) * c;
              const aBase = (p * kw + q) * cm;
              if (m === 1) {
                for (let k = 0; k < c; k++) acc[aBase + k]! += xv[xBase + k]! * dyv[dyBase + k]!;
              } else {
                for (let k = 0; k < c; k++) {
                  const xk = xv[xBase + k]!;
                  const o = k * m;
                  for (let t = 0; t < m; t++) acc[aBase + o + t]! += xk * dyv[dyBase + o + t]!;
                }
              }
            }
          }
        }
      }
    }
    heapF32(b, out).set(acc);
    return out;
  },
);
