import type { tf } from '@trainkit/core';
import { release, runKernel, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** Materialises the transposes that a MatMul asks for, so the stock kernel runs its fast untransposed path. */
function pretransposed(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): { a: TensorInfo; b: TensorInfo; owned: TensorInfo[] } {
  const owned: TensorInfo[] = [];
  const flip = (t: TensorInfo): TensorInfo => {
    const out = runKernel(backend, 'Transpose', { x: t }, { perm: swapLastTwo(t.shape.length) });
    owned.push(out);
    return out;
  };
  return { a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b, owned };
}

/**
 * a·bᵀ for 2-D a [M, K] and b [N, K] as (b·aᵀ)ᵀ. XNNPACK packs the right operand of every product anew (and b is new
 * every step for a trained weight), so transposing and packing aᵀ (K·M) and transposing the result (M·N) beats
 * transposing and packing bᵀ (K·N) when the batch M is the small side: 1.26 ms against 1.81 ms for the MNIST MLP's
 * first layer (64×784 by 250×784).
 */
function swappedTransposeB(be: WasmBackend, a: TensorInfo, b: TensorInfo, stock: tf.KernelConfig): TensorInfo | null {
  if (a.shape.length !== 2 || b.shape.length !== 2) return null;
  const [m, k] = a.shape as [number, number];
  const n = b.shape[0]!;
  if (k * m + m * n >= k * n) return null;
  const aT = runKernel(be, 'Transpose', { x: a }, { perm: [1, 0] });
  const outT = runKernel(be, 'BatchMatMul', { a: b, b: aT }, { transposeA: false, transposeB: false }, stock);
  const out = runKernel(be, 'Transpose', { x: outT }, { perm: [1, 0] });
  release(be, aT, outT);
  return out;
}

/**
 * BatchMatMul that transposes its operands itself. tfjs-backend-wasm 4.22 multiplies with transposeA/transposeB about
 * ten times slower than without, and every Linear layer's forward (x·Wᵀ) and backward (dyᵀ·x, dy·W) asks for one.
 */
export function makeBatchMatMul(stock: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return runKernel(be, 'BatchMatMul', inputs, attrs, stock);
    if (!transposeA && transposeB) {
      const swapped = swappedTransposeB(be, a, b, stock);
      if (swapped) return swapped;
    }
    const p = pretransposed(be, a, b, transposeA, transposeB);
    const out = runKernel(be, 'BatchMatMul', { a: p.a, b: p.b }, { transposeA: false, transposeB: false }, stock);
    release(be, ...p.owned);
    return out;
  };
}

/** The same for the fused MatMul (+ bias + activation) that tf.fused.matMul runs. */
export function makeFusedMatMul(stock: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf._FusedMatMulAttrs;
    if (!transposeA && !transposeB) return runKernel(be, '_FusedMatMul', inputs, attrs, stock);
    const p = pretransposed(be, a, b, transposeA, transposeB);
    const out = runKernel(
      be,
      '_FusedMatMul',
      { ...inputs, a: p.a, b: p.b },
      {
        ...attrs,
        transposeA: false,
        transposeB: false,
      },
      stock,
    );
    release(be, ...p.owned);
    return out;
  };
}
