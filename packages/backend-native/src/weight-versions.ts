import type { tf } from '@trainkit/core';

/**
 * Versions of weight buffers, so that the addon reorders a convolution's weights into oneDNN's blocked layout once
 * per content rather than on every call (an evaluation loop runs the same weights batch after batch). A version
 * names a buffer's content from the moment a native kernel first sees it until the buffer could change: tfjs
 * tensors are immutable, but a buffer is reused (a recycled output), handed to the caller (readSync/read return it
 * itself, and callers may write into it) or written anew (write/move).
 */
const versions = new WeakMap<Float32Array, number>();
let next = 1;

/** The version of `values`' present content (never 0, which the addon takes as "do not cache"). */
export function versionOf(values: Float32Array): number {
  let v = versions.get(values);
  if (v === undefined) {
    v = next++;
    versions.set(values, v);
  }
  return v;
}

/** The buffer may change from here on: its next use gets a new version. */
export function forgetVersion(values: unknown): void {
  if (values instanceof Float32Array) versions.delete(values);
}

interface DataMethods {
  data: { get(id: tf.DataId): { values?: unknown } | undefined };
  write(values: unknown, shape: number[], dtype: tf.DataType): tf.DataId;
  move(dataId: tf.DataId, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void;
  readSync(dataId: tf.DataId): unknown;
  read(dataId: tf.DataId): Promise<unknown>;
}

/** Wraps a backend's data methods so that a buffer that is written, moved in or read out loses its version. */
export function trackWeightVersions(backend: tf.KernelBackend): void {
  const b = backend as unknown as DataMethods;
  const { write, move, readSync, read } = b;
  b.write = function (values, shape, dtype) {
    forgetVersion(values);
    return write.call(this, values, shape, dtype);
  };
  b.move = function (dataId, values, shape, dtype, refCount) {
    forgetVersion(values);
    move.call(this, dataId, values, shape, dtype, refCount);
  };
  b.readSync = function (dataId) {
    forgetVersion(this.data.get(dataId)?.values);
    return readSync.call(this, dataId);
  };
  b.read = function (dataId) {
    forgetVersion(this.data.get(dataId)?.values);
    return read.call(this, dataId);
  };
}
