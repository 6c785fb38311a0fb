import type { tf } from '@trainkit/core';
import { typedKernel } from '@trainkit/core/kernels';
import type { TensorInfo, WasmBackend } from './wasm-kernel-call.js';

/**
 * out[s, …] = Σ_{i : segmentIds[i] = s} x[i, …], missing from tfjs-backend-wasm 4.22; tf.gather's gradient (so any
 * embedding lookup) needs it. Ids outside [0, numSegments) are dropped, as TensorFlow does. One pass in JavaScript.
 */
export const unsortedSegmentSum = typedKernel<tf.UnsortedSegmentSumAttrs>(({ inputs, backend, attrs }) => {
  const b = backend as WasmBackend;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs;
  const idRank = segmentIds.shape.length;
  const inner = x.shape.slice(idRank);
  const rowSize = inner.reduce((a, d) => a * d, 1);
  const rows = segmentIds.shape.reduce((a, d) => a * d, 1);
  const out = b.makeOutput([numSegments, ...inner], x.dtype);
  const xv = b.typedArrayFromHeap(x);
  const ids = b.typedArrayFromHeap(segmentIds);
  const ov = b.typedArrayFromHeap(out);
  ov.fill(0);
  for (let i = 0; i < rows; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const src = i * rowSize;
    const dst = s * rowSize;
    for (let k = 0; k < rowSize; k++) ov[dst + k]! += xv[src + k]!;
  }
  return out;
});
