import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '@trainkit/core';

export type WasmBackend = BackendWasm;
export type TensorInfo = tf.TensorInfo;

/**
 * Runs a wasm kernel's function directly, without the engine: no tape, no tensor bookkeeping, so a composite
 * kernel can chain wasm kernels and free its intermediates itself. `config` pins the implementation (a stock kernel
 * that trainkit has replaced); otherwise the one registered under `name` runs.
 */
export function runKernel(
  backend: WasmBackend,
  name: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
  config: tf.KernelConfig | undefined = tf.getKernel(name, 'wasm'),
): TensorInfo {
  if (config === undefined) throw new Error(`wasm kernels: '${name}' is not registered for the wasm backend`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm kernels: expected one output from '${name}', got ${out.length}`);
  return out;
}

/** Frees intermediates (a Reshape output shares its input's buffer; disposeData only drops its reference). */
export function release(backend: WasmBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A float32 view of a tensor on the wasm heap; take it after the last allocation, since growing memory detaches views. */
export function heapF32(backend: WasmBackend, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

export function pair(v: number | [number, number] | readonly number[] | undefined, fallback = 1): [number, number] {
  if (v === undefined) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  return [v[0] ?? fallback, v[1] ?? v[0] ?? fallback];
}

export function shape4(shape: readonly number[], what: string): [number, number, number, number] {
  if (shape.length !== 4) throw new Error(`wasm kernels: ${what} must be rank 4, got shape [${shape.join(', ')}]`);
  return shape as [number, number, number, number];
}

export function requireNHWC(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`wasm backend ${kernel} supports dataFormat 'NHWC' only (as its Conv2D does), got '${dataFormat}'`);
  }
}
