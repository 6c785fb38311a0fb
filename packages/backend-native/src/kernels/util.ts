import { tf } from '@trainkit/core';
import type { NativeBackend } from '../native-backend.js';

/**
 * A float32 input's values in place, in NHWC (a channel-blocked buffer is brought back first, see buffer-store.ts),
 * or undefined when the native kernel cannot take it (other dtypes, empty).
 */
export function floats(backend: NativeBackend, t: tf.TensorInfo): Float32Array | undefined {
  const values = floatsAnyLayout(backend, t);
  if (values) backend.buffers.toPlain(values, t.shape);
  return values;
}

/** floats() for kernels that read channel-blocked inputs too: the buffer as it is (buffers.blockOf says which). */
export function floatsAnyLayout(backend: NativeBackend, t: tf.TensorInfo): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const values = backend.data.get(t.dataId)?.values;
  if (!(values instanceof Float32Array) || values.length === 0) return undefined;
  backend.buffers.resolve(values);
  return values;
}

/**
 * A Float32Array for a kernel output that the addon overwrites entirely: not zero-filled, which saves a pass over
 * every output (about 10 % of a CIFAR step), and recycled from a disposed output where one is free (BufferStore),
 * which saves the page faults of fresh memory.
 */
export function uninitialised(backend: NativeBackend, size: number): Float32Array {
  return backend.buffers.take(size);
}

/** Every input of a kernel call back to NHWC: for kernels that index their inputs as tfjs lays them out. */
export function inputsToPlain(backend: NativeBackend, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[]): void {
  for (const info of Object.values(inputs) as (tf.TensorInfo | undefined)[]) {
    if (info?.dataId) backend.plain(info);
  }
}

/** A kernel that reads its inputs as tfjs lays them out, wrapped to see them in NHWC. */
export function withPlainInputs(kernelFunc: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    inputsToPlain(args.backend as NativeBackend, args.inputs);
    return kernelFunc(args);
  };
}

/**
 * Elementwise work below this many elements stays on tfjs's cpu kernels, where the call into the addon costs more
 * than a JavaScript loop. (The addon runs work below 2^17 elements on one thread: waking OpenMP's pool costs
 * 20-80 µs, up to ~2 ms on a loaded VM.)
 */
export const NATIVE_FROM = 1024;

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** How often each native kernel ran natively and how often it handed over to tfjs's cpu kernel. */
export const kernelCounts: Record<string, { native: number; fallback: number }> = {};

/** A native kernel body: returns undefined when the case is not one it handles (the cpu kernel then runs). */
export type NativeBody = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: NativeBackend;
  attrs: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[] | undefined;

/**
 * The kernel config for `name` on 'native': the native body, with tfjs's own cpu kernel as the fallback for the
 * cases it declines (int32 data, NCHW, prelu …). Errors are not swallowed: a shape oneDNN rejects is a bug to see.
 */
export function nativeKernel(name: string, body: NativeBody): tf.KernelConfig {
  // looked up at the call: core registers its own cpu kernels (CONV2D_BIAS) when the cpu backend is first chosen
  const cpuKernel = () => {
    const cpu = tf.getKernel(name, 'cpu');
    if (!cpu) throw new Error(`@trainkit/backend-native: no cpu kernel ${name} to run this case`);
    return cpu;
  };
  kernelCounts[name] ??= { native: 0, fallback: 0 };
  const counts = kernelCounts[name];
  return {
    kernelName: name,
    backendName: 'native',
    kernelFunc: (args) => {
      const out = body(args as unknown as Parameters<NativeBody>[0]);
      if (out) {
        counts.native++;
        return out;
      }
      counts.fallback++;
      inputsToPlain(args.backend as NativeBackend, args.inputs);
      return cpuKernel().kernelFunc(args);
    },
  };
}
