import { tf } from '../../tf.js';

/**
 * Direct access to float32 tensor memory on the backends whose memory JavaScript can address: tfjs's cpu backend
 * (typed arrays) and its wasm backend (views of the wasm heap). A fused kernel reads its inputs and writes its fresh
 * outputs through these, in one pass instead of one engine call per arithmetic op.
 */
export interface FloatBuffers {
  /** Allocates outputs of `size` elements (all of them first: a wasm heap that grows detaches earlier views). */
  outputs(shape: number[], count: number): tf.TensorInfo[];
  /** A float32 view of a tensor's memory; for outputs, take it after the last allocation. */
  view(info: tf.TensorInfo): Float32Array;
}

type CpuBackend = {
  data: { get(id: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
};
type WasmBackend = {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
};

/** Memory access for the backend a kernel runs on; `backendName` is the one the kernel was registered for. */
export function floatBuffers(backendName: 'cpu' | 'wasm', backend: tf.KernelBackend): FloatBuffers {
  if (backendName === 'wasm') {
    const b = backend as unknown as WasmBackend;
    return {
      outputs: (shape, count) => Array.from({ length: count }, () => b.makeOutput(shape, 'float32')),
      view: (info) => b.typedArrayFromHeap(info),
    };
  }
  const b = backend as unknown as CpuBackend;
  return {
    outputs: (shape, count) =>
      Array.from({ length: count }, () => b.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape)))),
    view: (info) => {
      const values = b.data.get(info.dataId).values;
      if (!(values instanceof Float32Array)) throw new Error('optimizer kernels: expected float32 tensor data');
      return values;
    },
  };
}
