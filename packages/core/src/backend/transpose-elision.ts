import { tf } from '../tf.js';

/**
 * A Transpose kernel that undoes a transpose by handing back the data it came from. Layers are NCHW and run tfjs's
 * NHWC convolution and pooling kernels with a transpose on each side, so between two of them (Conv2d → MaxPool2d)
 * the NHWC activation goes to NCHW and straight back: two copies of it for nothing, forward and backward. Here each
 * transpose's output remembers its input's data, holding one reference to it; a transpose of that output by the
 * inverse permutation returns the remembered data with one more reference (as tfjs's cpu Identity shares memory)
 * instead of copying. The held reference is let go when the output's data is freed. Shared data is safe because
 * kernels never write into their inputs, and a variable's assign replaces its data rather than writing into it.
 *
 * Registered for 'cpu', 'wasm' and trainkit's 'native' by useBackend (use-backend.ts), wrapping each one's own
 * Transpose. On native the first transpose of the pair is itself computed only when read (backend-native's
 * BufferStore.defer), so with this rule the NCHW activation between two layers is never made there at all.
 */
export const TRANSPOSE_ELISION_BACKENDS: readonly string[] = ['cpu', 'wasm', 'native'];

interface Origin {
  dataId: tf.DataId;
  shape: number[];
  dtype: tf.DataType;
  perm: number[];
}

type Backend = tf.KernelBackend & { incRef(dataId: tf.DataId): void };

// Marks our config, so that a second copy of trainkit in the process (ESM and CJS side by side) leaves it be.
const MARK = Symbol.for('trainkit.transposeElision');
type Marked = tf.KernelConfig & { [MARK]?: { stock: tf.KernelConfig } };

/** Whether transposing by `perm` puts back what transposing by `before` moved: perm[i] = j where before[j] = i. */
const undoes = (perm: readonly number[], before: readonly number[]) =>
  perm.length === before.length && perm.every((p, i) => before[p] === i);

const isIdentity = (perm: readonly number[]) => perm.every((p, i) => p === i);

/** Wraps `backendName`'s Transpose (a no-op where it is not one of TRANSPOSE_ELISION_BACKENDS, or already wrapped). */
export function registerTransposeElision(backendName: string): void {
  if (!TRANSPOSE_ELISION_BACKENDS.includes(backendName)) return;
  const stock = tf.getKernel(tf.Transpose, backendName) as Marked | undefined;
  if (!stock || stock[MARK]) return;
  const origins = new WeakMap<tf.DataId, Origin>();
  const watched = new WeakSet<tf.KernelBackend>();
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const backend = args.backend as Backend;
    const origin = origins.get(x.dataId);
    if (origin && undoes(perm, origin.perm)) {
      backend.incRef(origin.dataId);
      return { dataId: origin.dataId, shape: [...origin.shape], dtype: origin.dtype };
    }
    const out = stock.kernelFunc(args) as tf.TensorInfo;
    if (out.dataId !== x.dataId && !isIdentity(perm)) {
      releaseOnFree(backend, origins, watched);
      backend.incRef(x.dataId);
      origins.set(out.dataId, { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype, perm: [...perm] });
    }
    return out;
  };
  tf.unregisterKernel(tf.Transpose, backendName);
  tf.registerKernel({ ...stock, kernelFunc, [MARK]: { stock } } as Marked);
}

/** Puts the stock Transpose back: for tests and benchmarks that compare. Data already shared stays valid. */
export function unregisterTransposeElision(backendName: string): void {
  const ours = tf.getKernel(tf.Transpose, backendName) as Marked | undefined;
  const mark = ours?.[MARK];
  if (!mark) return;
  tf.unregisterKernel(tf.Transpose, backendName);
  tf.registerKernel(mark.stock);
}

/**
 * Makes the backend let go of a transpose input's data when the transpose's output is freed. The engine counts a
 * data buffer until the backend frees it, so a buffer freed here is also removed from the engine's books.
 */
function releaseOnFree(backend: Backend, origins: WeakMap<tf.DataId, Origin>, watched: WeakSet<tf.KernelBackend>) {
  if (watched.has(backend)) return;
  watched.add(backend);
  const disposeData = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: tf.DataId, force?: boolean): boolean => {
    const freed = disposeData(dataId, force);
    const origin = freed ? origins.get(dataId) : undefined;
    if (origin) {
      origins.delete(dataId);
      // through the wrapped method, so that an origin that was itself a transpose's output lets go of its own
      if (backend.disposeData(origin.dataId)) tf.engine().removeDataId(origin.dataId, backend);
    }
    return freed;
  };
}
