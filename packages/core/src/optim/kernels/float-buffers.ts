import { tf } from '../../tf.js';

/**
 * Direct access to float32 tensor memory on tfjs's cpu backend (typed arrays), through which a fused kernel reads its
 * inputs and writes its fresh outputs in one pass instead of one engine call per arithmetic op.
 */
export interface FloatBuffers {
  outputs(shape: number[], count: number): tf.TensorInfo[];
  view(info: tf.TensorInfo): Float32Array;
}

type CpuBackend = {
  data: { get(id: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
};

export function cpuFloatBuffers(backend: tf.KernelBackend): FloatBuffers {
  const b = backend as unknown as CpuBackend;
  return {
    outputs: (shape, count) =>
      Array.from({ length: count }, () =>
        b.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape))),
      ),
    view: (info) => {
      const values = b.data.get(info.dataId).values;
      if (!(values instanceof Float32Array)) throw new Error('optimizer kernels: expected float32 tensor data');
      return values;
    },
  };
}
