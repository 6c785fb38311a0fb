import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '@trainkit/core';
import { BufferStore, type Transposer } from './buffer-store.js';

/**
 * The tfjs backend 'native': tfjs's cpu backend, whose tensors are the typed arrays the cpu kernels read and the
 * addon reads and writes in place, with its data methods telling the BufferStore where a buffer comes in (write,
 * move), goes out to the caller (readSync, read) and is released (disposeData).
 */
export class NativeBackend extends MathBackendCPU {
  readonly buffers: BufferStore;

  constructor(addon: Transposer) {
    super();
    this.buffers = new BufferStore(addon);
    // the cpu backend's "Hi, looks like you are running TensorFlow.js in Node.js" banner
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  override write(values: tf.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId {
    this.buffers.stored(values);
    return super.write(values, shape, dtype);
  }

  override move(
    dataId: tf.DataId,
    values: tf.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    this.buffers.stored(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: tf.DataId): tf.BackendValues {
    this.#handOut(dataId);
    return super.readSync(dataId);
  }

  override read(dataId: tf.DataId): Promise<tf.BackendValues> {
    this.#handOut(dataId);
    return super.read(dataId);
  }

  override disposeData(dataId: tf.DataId, force?: boolean): boolean {
    const values = this.data.get(dataId)?.values;
    const disposed = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) this.buffers.released(values);
    return disposed;
  }

  /** A float input's values in NHWC: a channel-blocked buffer is brought back in place first. */
  plain(info: tf.TensorInfo): void {
    const values = this.data.get(info.dataId)?.values;
    if (values instanceof Float32Array) this.buffers.toPlain(values, info.shape);
  }

  /** The caller gets the buffer itself, in NHWC; the shape comes from tfjs's engine, which knows every tensor's. */
  #handOut(dataId: tf.DataId): void {
    const values = this.data.get(dataId)?.values;
    if (values instanceof Float32Array) this.buffers.resolve(values);
    if (values instanceof Float32Array && this.buffers.blockOf(values) !== 0) {
      const shape = tf.engine().state.tensorInfo.get(dataId)?.shape;
      if (!shape) throw new Error('@trainkit/backend-native: a blocked buffer read without its shape');
      this.buffers.toPlain(values, shape);
    }
    this.buffers.handedOut(values);
  }
}
