import type { tf } from '@trainkit/core';
import { nativeAddon } from './addon.js';
import type { DataHooks } from './data-hooks.js';

/**
 * Activations in oneDNN's channel-blocked layout. A convolution computes in aBcd16b ([N][C/16][H][W][16]; aBcd8b
 * on AVX2): reordering its input from tfjs's NHWC and its output back cost ~6 ms of a 34 ms CIFAR training step.
 * So a native convolution, pool or their gradients may leave its output blocked, tagged here, and the next native
 * kernel that understands the tag reads it as is. Everything else sees NHWC: a kernel that does not handle blocked
 * inputs, readSync/read, and a reshape (which would reinterpret the order) bring the buffer back to NHWC in place
 * first. Only a 4-D tensor whose channels fill whole blocks is tagged, so the buffer has the size tfjs expects.
 */
const blocks = new WeakMap<Float32Array, number>();

/** The channel block of a buffer: 0 for NHWC (or any plain layout), 8 or 16 for aBcd8b / aBcd16b. */
export function blockOf(values: Float32Array): number {
  return blocks.get(values) ?? 0;
}

/** Tags `values` as holding its 4-D tensor channel-blocked by `block` (0: plain). */
export function setBlock(values: Float32Array, block: number): void {
  if (block === 0) blocks.delete(values);
  else blocks.set(values, block);
}

/** Brings a blocked buffer of the NHWC tensor `shape` back to NHWC, in place; a plain one is left alone. */
export function toPlain(values: Float32Array, shape: readonly number[]): void {
  const block = blocks.get(values);
  if (!block) return;
  const [n, h, w, c] = shape as [number, number, number, number];
  if (shape.length !== 4 || c % block !== 0) {
    throw new Error(`@trainkit/backend-native: a ${block}-channel-blocked buffer for shape [${shape}]`);
  }
  const plain = new Float32Array(values.length);
  // [N][C/b][H·W][b] → [N][H·W][C/b][b]
  nativeAddon().transpose(values, plain, Int32Array.of(4, n, c / block, h * w, block, 0, 2, 1, 3));
  values.set(plain);
  blocks.delete(values);
}

/** A channel-blocked copy of the NHWC buffer `values` of 4-D `shape` (whose channels fill whole blocks). */
export function blockedCopy(
  addon: { transpose(x: Float32Array, y: Float32Array, key: Int32Array): void },
  values: Float32Array,
  shape: readonly number[],
  block: number,
): Float32Array {
  const [n, h, w, c] = shape as [number, number, number, number];
  const blocked = new Float32Array(values.length);
  // [N][H·W][C/b][b] → [N][C/b][H·W][b]
  addon.transpose(values, blocked, Int32Array.of(4, n, h * w, c / block, block, 0, 2, 1, 3));
  blocks.set(blocked, block);
  return blocked;
}

type Store = { data: { get(id: tf.DataId): { values?: unknown } | undefined } };

/** toPlain for a tensor of `backend` (any dtype: only tagged float buffers change). */
export function tensorToPlain(backend: unknown, info: tf.TensorInfo): void {
  const values = (backend as Store).data.get(info.dataId)?.values;
  if (values instanceof Float32Array && blocks.has(values)) toPlain(values, info.shape);
}

/** Every input of a kernel call back to NHWC: for kernels that index their inputs as tfjs lays them out. */
export function inputsToPlain(backend: unknown, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[]): void {
  for (const info of Object.values(inputs) as (tf.TensorInfo | undefined)[]) {
    if (info?.dataId) tensorToPlain(backend, info);
  }
}

/** A kernel that reads its inputs as tfjs lays them out, wrapped to see them in NHWC. */
export function withPlainInputs(kernelFunc: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    inputsToPlain(args.backend, args.inputs);
    return kernelFunc(args);
  };
}

/**
 * Hands out NHWC data (dataSync, data, a backend switch): a blocked buffer is brought back before it is read. The
 * shape comes from tfjs's engine, which knows every tensor's (data-hooks.ts).
 */
export function plainOnRead(shapeOf: (dataId: tf.DataId) => number[] | undefined): DataHooks {
  return {
    read: (dataId, values) => {
      if (!(values instanceof Float32Array) || !blocks.has(values)) return;
      const shape = shapeOf(dataId);
      if (!shape) throw new Error('@trainkit/backend-native: a blocked buffer read without its shape');
      toPlain(values, shape);
    },
  };
}
