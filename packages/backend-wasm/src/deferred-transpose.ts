import { tf } from '@trainkit/core';
import { isVariableData } from '@trainkit/core/kernels';
import type { TensorInfo, WasmBackend } from './kernels/wasm-kernel-call.js';

/**
 * Transposes computed only when read, as on native (backend-native's BufferStore.defer). nn's layers are NCHW and
 * tfjs convolves and pools NHWC, so between two layers an activation goes NHWC → NCHW → NHWC; core's transpose
 * elision hands the second transpose the first one's input, and here the first one is not computed until something
 * reads it, which between two layers nothing does. Its output is allocated at once (the engine must know it) and
 * holds a reference to its input until it is filled. Every way to a tensor's memory on the wasm backend — kernels,
 * readSync — goes through its data map's get(), which fills a deferred output first.
 */

interface Deferred {
  x: TensorInfo;
  perm: number[];
  transpose: tf.KernelFunc;
}

/** Smaller transposes run at once: deferring costs more than copying a few thousand floats. */
const DEFER_FROM = 4096;

const deferred = new WeakMap<tf.DataId, Deferred>();
/** the backends whose data map fills deferred outputs (deferTransposesOn) */
const filling = new WeakSet<WasmBackend>();

/** Lets go of a deferred output's reference to its input (the engine forgot the input if this frees it). */
function release(backend: WasmBackend, d: Deferred): void {
  if (backend.disposeData(d.x.dataId)) tf.engine().removeDataId(d.x.dataId, backend);
}

/**
 * Computes a deferred transpose into its own memory: the stock kernel runs with a backend whose makeOutput hands it
 * that memory, so nothing is allocated or copied. Where the stock kernel makes no output of its own (a permutation
 * that only moves size-1 axes, which it runs as Identity) the result is copied in.
 */
function fill(backend: WasmBackend, dataId: tf.DataId): void {
  const d = deferred.get(dataId);
  if (!d) return;
  deferred.delete(dataId);
  const shape = d.perm.map((p) => d.x.shape[p]!);
  const target: TensorInfo = { dataId, shape, dtype: 'float32' };
  const into = Object.create(backend, { makeOutput: { value: () => target } }) as WasmBackend;
  const out = d.transpose({ inputs: { x: d.x }, backend: into, attrs: { perm: d.perm } }) as TensorInfo;
  if (out.dataId !== dataId) {
    (backend.typedArrayFromHeap(target) as Float32Array).set(backend.typedArrayFromHeap(out) as Float32Array);
    backend.disposeData(out.dataId);
  }
  release(backend, d);
}

/** The Transpose kernel that defers, around the registered one (which computes when asked). */
function deferringTranspose(transpose: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const perm = (args.attrs as unknown as { perm: number[] }).perm;
    const size = tf.util.sizeFromShape(x.shape);
    // a variable's transpose is kept by core's transpose elision for as long as the variable's data lives: deferred,
    // it would hold that data itself, and neither would ever be freed
    const keep = isVariableData(x.dataId);
    if (x.dtype !== 'float32' || size < DEFER_FROM || keep || perm.every((p, i) => p === i) || !filling.has(backend)) {
      return transpose(args);
    }
    const out = backend.makeOutput(
      perm.map((p) => x.shape[p]!),
      'float32',
    );
    backend.incRef(x.dataId);
    deferred.set(out.dataId, {
      x: { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype },
      perm: [...perm],
      transpose,
    });
    return out;
  };
}

const WRAPPED = Symbol.for('trainkit.wasm.deferredTranspose');

/** Registers the deferring Transpose for 'wasm', around the one registered now. */
export function deferWasmTransposes(): void {
  const config = tf.getKernel(tf.Transpose, 'wasm') as (tf.KernelConfig & { [WRAPPED]?: true }) | undefined;
  if (!config || config[WRAPPED]) return;
  tf.unregisterKernel(tf.Transpose, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: deferringTranspose(config.kernelFunc),
    [WRAPPED]: true,
  } as tf.KernelConfig);
}

/**
 * Makes `backend` fill a deferred output wherever its memory is looked up, and forget one freed unread (letting go of
 * its input). Until this ran on a backend, Transposes on it run at once.
 */
export function deferTransposesOn(backend: WasmBackend): WasmBackend {
  const map = backend.dataIdMap;
  const get = map.get.bind(map);
  filling.add(backend);
  map.get = (dataId) => {
    fill(backend, dataId);
    return get(dataId);
  };
  const disposeData = backend.disposeData.bind(backend);
  backend.disposeData = (dataId, force) => {
    const d = deferred.get(dataId);
    // freed unread: never filled (the stock disposeData looks its memory up, which would fill it)
    if (d && (force || (get(dataId)?.refCount ?? 0) <= 1)) {
      deferred.delete(dataId);
      const freed = disposeData(dataId, force);
      release(backend, d);
      return freed;
    }
    return disposeData(dataId, force);
  };
  return backend;
}
