import type { tf } from '../../tf.js';
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
 * BatchMatMul that transposes its operands itself. tfjs-backend-wasm 4.22 multiplies with transposeA/transposeB about
 * ten times slower than without, and every Linear layer's forward (x·Wᵀ) and backward (dyᵀ·x, dy·W) asks for one.
 */
export function makeBatchMatMul(stock: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const be = backend as WasmBackend;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return runKernel(be, 'BatchMatMul', inputs, attrs, stock);
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
