import { tf } from '../tf.js';

/** The part of tfjs's cpu data model a kernel reads and writes: typed arrays behind data ids. */
interface CpuDataModel {
  data: { get(id: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

type ArrayType = typeof Float32Array | typeof Int32Array;

/**
 * Direct access to tensor memory on a backend with tfjs's cpu data model ('cpu', and 'native', which keeps it), so
 * that a kernel reads its inputs and writes fresh outputs in one pass. Errors name the kernel and the input.
 */
export function cpuData(backend: object, kernel: string) {
  const b = backend as unknown as CpuDataModel;
  function values(info: tf.TensorInfo | undefined, what: string, type: typeof Int32Array): Int32Array;
  function values(info: tf.TensorInfo | undefined, what: string, type?: typeof Float32Array): Float32Array;
  function values(info: tf.TensorInfo | undefined, what: string, type: ArrayType = Float32Array) {
    const v = info && b.data.get(info.dataId).values;
    if (!(v instanceof type)) throw new Error(`cpu ${kernel}: expected ${what} as ${type.name} data`);
    return v;
  }
  return {
    values,
    output: (shape: number[], data: Float32Array = new Float32Array(tf.util.sizeFromShape(shape))) =>
      b.makeTensorInfo(shape, 'float32', data),
  };
}
