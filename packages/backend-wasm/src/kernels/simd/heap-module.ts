import type { tf } from '@trainkit/core';

/** A module built by scripts/build-wat.mjs: base64 bytes with a plain and with a shared memory import. */
export interface WatBinary {
  plain: string;
  shared: string;
}

type WasmBackend = {
  wasm: { wasmMemory?: unknown; asm?: { memory?: unknown } };
  typedArrayFromHeap(info: tf.TensorInfo): ArrayBufferView;
};
type WebAssemblyApi = {
  Memory: new (...a: never[]) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (m: unknown, imports: object) => { exports: unknown };
};

const instances = new WeakMap<object, Map<WatBinary, unknown>>();

/**
 * The exports of `binary` instantiated on the wasm backend's own memory, so that its functions read and write tensors
 * where they lie (once per backend and binary). tfjs-backend-wasm 4.22's Emscripten glue keeps the threaded build's
 * shared memory as Module.wasmMemory and exports the single-threaded build's as Module.asm.memory.
 */
export function heapModule<T>(backend: tf.KernelBackend, binary: WatBinary): T {
  const b = backend as unknown as WasmBackend;
  let byBinary = instances.get(b);
  if (!byBinary) {
    byBinary = new Map();
    instances.set(b, byBinary);
  }
  let exports = byBinary.get(binary);
  if (!exports) {
    const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    const memory = b.wasm.wasmMemory ?? b.wasm.asm?.memory;
    if (!(memory instanceof api.Memory)) throw new Error('wasm kernels: the wasm backend exposes no memory');
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Buffer.from(shared ? binary.shared : binary.plain, 'base64');
    exports = new api.Instance(new api.Module(bytes), { env: { memory } }).exports;
    byBinary.set(binary, exports);
  }
  return exports as T;
}

/** Where a tensor lies in the heap, as a byte offset (0 for a missing optional input). */
export function heapOffset(backend: tf.KernelBackend, info: tf.TensorInfo | undefined): number {
  return info ? (backend as unknown as WasmBackend).typedArrayFromHeap(info).byteOffset : 0;
}
