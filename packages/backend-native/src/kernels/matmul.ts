import { tf } from '@trainkit/core';
import { LINEAR_BIAS } from '@trainkit/core/kernels';
import type { NativeAddon } from '../addon.js';
import type { NativeBackend } from '../native-backend.js';
import { floats, type NativeBody, nativeKernel, sizeOf, uninitialised } from './util.js';

interface Product {
  values: Float32Array;
  shape: number[];
  /** columns of the result: a bias of this length broadcasts over rows */
  n: number;
}

/**
 * a·b with optional transposes over broadcast batch dims, on oneDNN's sgemm; undefined for what it does not take
 * (non-float data, batches that broadcast other than 1-against-n).
 */
function product(
  addon: NativeAddon,
  backend: NativeBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias?: Float32Array,
): Product | undefined {
  const av = floats(backend, a);
  const bv = floats(backend, b);
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (!av || !bv || ra < 2 || rb < 2) return undefined;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb || m * n === 0 || (bias && bias.length !== n)) return undefined;
  const batchDimsA = a.shape.slice(0, -2);
  const batchDimsB = b.shape.slice(0, -2);
  let batchA = sizeOf(batchDimsA);
  const batchB = sizeOf(batchDimsB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  if (batchA === batchB && batchA !== 1 && batchDimsA.join() !== batchDimsB.join()) return undefined;
  const outShape = [...tf.backend_util.assertAndGetBroadcastShape(batchDimsA, batchDimsB), m, n];
  // A stack of row-major a's against one b is a single tall product: one primitive call instead of a loop.
  let rows = m;
  if (batchB === 1 && batchA > 1 && !transposeA) {
    rows = m * batchA;
    batchA = 1;
  }
  const values = uninitialised(backend, sizeOf(outShape));
  const dims = Int32Array.of(batchA, batchB, rows, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0, bias ? 1 : 0);
  if (bias) addon.matmul(av, bv, values, dims, bias);
  else addon.matmul(av, bv, values, dims);
  return { values, shape: outShape, n };
}

export function matmulKernels(addon: NativeAddon): tf.KernelConfig[] {
  const batchMatMul: NativeBody = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const p = product(addon, backend, a, b, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
    return p && backend.makeTensorInfo(p.shape, 'float32', p.values);
  };

  // tfjs's fused matMul: a per-column bias is added inside the primitive, a scalar one and relu here; prelu and the
  // rarer activations go to cpu
  const fusedMatMul: NativeBody = ({ inputs, backend, attrs }) => {
    const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if (!a || !b || preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return undefined;
    const biasValues = bias ? floats(backend, bias) : undefined;
    if (bias && !biasValues) return undefined;
    const scalarBias = biasValues?.length === 1 ? biasValues[0]! : undefined;
    const ta = Boolean(attrs.transposeA);
    const tb = Boolean(attrs.transposeB);
    const p = product(addon, backend, a, b, ta, tb, scalarBias === undefined ? biasValues : undefined);
    if (!p) return undefined;
    const y = p.values;
    if (scalarBias !== undefined) for (let i = 0; i < y.length; i++) y[i]! += scalarBias;
    if (activation === 'relu') for (let i = 0; i < y.length; i++) y[i] = Math.max(y[i]!, 0); // NaN stays NaN, as in tfjs
    return backend.makeTensorInfo(p.shape, 'float32', y);
  };

  // core's Linear layer: x·Wᵀ + b in one primitive
  const linearBias: NativeBody = ({ inputs, backend }) => {
    const { x, weight, bias } = inputs as Record<string, tf.TensorInfo>;
    const bv = floats(backend, bias!);
    if (!bv || x!.shape.length !== 2) return undefined;
    const p = product(addon, backend, x!, weight!, false, true, bv);
    return p && backend.makeTensorInfo(p.shape, 'float32', p.values);
  };

  return [
    nativeKernel(tf.BatchMatMul, batchMatMul),
    nativeKernel(tf._FusedMatMul, fusedMatMul),
    nativeKernel(LINEAR_BIAS, linearBias),
  ];
}
