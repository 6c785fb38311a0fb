import { tf } from '../tf.js';
import { cpuData } from './cpu-data.js';

/**
 * dW of a 2-D convolution on tfjs's cpu backend, NHWC:
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[n, oh, ow, co]
 *
 * as one pass over dy in which each (output pixel, tap, input channel) adds a scaled row of dy to a row of dW, in a
 * float64 accumulator. tfjs-backend-cpu 4.22 reads every element through TensorBuffer.get in a 7-deep loop, which
 * takes about 96 s of the CIFAR tutorial net's training step; this takes about 1.5 s. NCHW goes to the stock kernel.
 */
export function makeConv2DBackpropFilter(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') return stock.kernelFunc(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const [n, h, w, ci] = x.shape as [number, number, number, number];
    // dy's own shape, as the wasm kernel: not every op forwards dimRoundingMode to its gradient
    const [, oh, ow, co] = dy.shape as [number, number, number, number];
    const [kh, kw] = filterShape;
    const { strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const data = cpuData(backend, tf.Conv2DBackpropFilter);
    const xv = data.values(x, 'x');
    const dyv = data.values(dy, 'dy');
    const acc = new Float64Array(kh * kw * ci * co);
    for (let bn = 0; bn < n; bn++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const dyBase = ((bn * oh + i) * ow + j) * co;
          for (let r = 0; r < kh; r++) {
            const row = i * sh + r - top;
            if (row < 0 || row >= h) continue;
            for (let c = 0; c < kw; c++) {
              const col = j * sw + c - left;
              if (col < 0 || col >= w) continue;
              const xBase = ((bn * h + row) * w + col) * ci;
              let wAt = (r * kw + c) * ci * co;
              for (let k = 0; k < ci; k++, wAt += co) {
                const xk = xv[xBase + k]!;
                for (let o = 0; o < co; o++) acc[wAt + o]! += xk * dyv[dyBase + o]!;
              }
            }
          }
        }
      }
    }
    return data.output([kh, kw, ci, co], Float32Array.from(acc));
  };
}
