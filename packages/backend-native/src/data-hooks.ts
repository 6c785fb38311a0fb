import type { tf } from '@trainkit/core';

/**
 * What the native backend's bookkeeping (recycled outputs, channel-blocked layouts, weight versions) needs to see of
 * tfjs's cpu data store: a buffer coming in, a tensor's buffer going out to the caller, a buffer released.
 */
export interface DataHooks {
  /** `values` now backs a tensor (a kernel output, tf.tensor data, a backend switch: write / move) */
  stored?(values: unknown): void;
  /** the buffer of `dataId` is about to be handed to the caller (readSync / read: dataSync, data, array …) */
  read?(dataId: tf.DataId, values: unknown): void;
  /** the last tensor on `values` was disposed (disposeData removed it from the store) */
  released?(values: unknown): void;
}

interface CpuDataMethods {
  data: { get(id: tf.DataId): { values?: unknown } | undefined; has(id: tf.DataId): boolean };
  write(values: unknown, shape: number[], dtype: tf.DataType): tf.DataId;
  move(dataId: tf.DataId, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void;
  readSync(dataId: tf.DataId): unknown;
  read(dataId: tf.DataId): Promise<unknown>;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** Wraps a cpu-backend instance's data methods once, calling every hook in order. */
export function hookData(backend: tf.KernelBackend, hooks: readonly DataHooks[]): void {
  const b = backend as unknown as CpuDataMethods;
  const { write, move, readSync, read, disposeData } = b;
  const stored = (values: unknown) => {
    for (const h of hooks) h.stored?.(values);
  };
  const reading = (dataId: tf.DataId) => {
    const values = b.data.get(dataId)?.values;
    for (const h of hooks) h.read?.(dataId, values);
  };
  b.write = function (values, shape, dtype) {
    stored(values);
    return write.call(this, values, shape, dtype);
  };
  b.move = function (dataId, values, shape, dtype, refCount) {
    stored(values);
    move.call(this, dataId, values, shape, dtype, refCount);
  };
  b.readSync = function (dataId) {
    reading(dataId);
    return readSync.call(this, dataId);
  };
  b.read = function (dataId) {
    reading(dataId);
    return read.call(this, dataId);
  };
  b.disposeData = function (dataId, force) {
    const values = this.data.get(dataId)?.values;
    const disposed = disposeData.call(this, dataId, force);
    if (values !== undefined && !this.data.has(dataId)) for (const h of hooks) h.released?.(values);
    return disposed;
  };
}
