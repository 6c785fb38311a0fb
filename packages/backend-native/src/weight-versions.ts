import type { DataHooks } from './data-hooks.js';

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

/** A buffer that is written, moved in or read out loses its version (data-hooks.ts). */
export const weightVersionHooks: DataHooks = {
  stored: forgetVersion,
  read: (_dataId, values) => forgetVersion(values),
};
