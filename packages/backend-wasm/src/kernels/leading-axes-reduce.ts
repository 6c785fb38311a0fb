import type { tf } from '@trainkit/core';
import { heapF32, runKernel, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

/** The number of leading axes `axis` names, when it names exactly the leading ones (and leaves some axis out). */
function leadingAxes(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
    (a, b) => a - b,
  );
  if (axes.length === 0 || axes.length >= rank) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/**
 * Sum or Mean over leading axes (the bias gradient of a conv or linear layer sums dy over N, H, W; batch norm's
 * moments average over them) as a column reduction in one pass. tfjs-backend-wasm 4.22 first transposes the reduced
 * axes to the end with its generic transpose, which made the CIFAR net's first bias gradient cost 10 ms instead of 2.
 * Accumulates in float64, as tfjs's cpu kernels do. Every other reduction goes to the stock kernel.
 */
export function makeLeadingAxesReduce(stock: tf.KernelConfig, op: 'sum' | 'mean'): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const b = backend as WasmBackend;
    const x = inputs.x as TensorInfo;
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const lead = x.dtype === 'float32' ? leadingAxes(axis, x.shape.length) : 0;
    if (lead === 0) return runKernel(b, stock.kernelName, inputs, attrs, stock);
    const kept = x.shape.slice(lead);
    const cols = kept.reduce((a, d) => a * d, 1);
    const rows = x.shape.slice(0, lead).reduce((a, d) => a * d, 1);
    const out = b.makeOutput(keepDims ? [...x.shape.slice(0, lead).map(() => 1), ...kept] : kept, 'float32');
    const xv = heapF32(b, x);
    const acc = new Float64Array(cols);
    for (let r = 0, i = 0; r < rows; r++) {
      for (let k = 0; k < cols; k++, i++) acc[k]! += xv[i]!;
    }
    if (op === 'mean' && rows > 0) for (let k = 0; k < cols; k++) acc[k]! /= rows;
    heapF32(b, out).set(acc);
    return out;
  };
}
