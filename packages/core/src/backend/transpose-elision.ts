import { isVariableData } from '../kernels/variable-data.js';
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
 * A weight is transposed too, OIHW to the HWIO filter tfjs convolves with, on every forward pass. A variable's data
 * does not change while it lives (an optimizer step or a load assigns new data), so its transpose is kept, holding one
 * reference, until that data is freed: an evaluation loop transposes each weight once, not once per batch, and the
 * backend's convolution sees the same filter again (tfjs-backend-wasm keeps XNNPACK's packed operator per filter,
 * ~0.1–0.25 ms of each CIFAR convolution). The engine still records each Transpose, so gradients flow as before.
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

interface Books {
  /** a transpose's output → the data it was made from (held), for the transpose that undoes it */
  origins: WeakMap<tf.DataId, Origin>;
  /** a variable's data → its transposes (held) by each permutation asked for */
  kept: WeakMap<tf.DataId, Origin[]>;
}

/** Hands `data` out once more, as tfjs's cpu Identity shares memory. */
function share(backend: Backend, data: Origin): tf.TensorInfo {
  backend.incRef(data.dataId);
  return { dataId: data.dataId, shape: [...data.shape], dtype: data.dtype };
}

const samePerm = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((p, i) => p === b[i]);

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
  const books: Books = { origins: new WeakMap(), kept: new WeakMap() };
  const watched = new WeakSet<tf.KernelBackend>();
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const backend = args.backend as Backend;
    const origin = books.origins.get(x.dataId);
    if (origin && undoes(perm, origin.perm)) return share(backend, origin);
    const variable = isVariableData(x.dataId);
    const kept = variable ? books.kept.get(x.dataId)?.find((k) => samePerm(k.perm, perm)) : undefined;
    if (kept) return share(backend, kept);
    const out = stock.kernelFunc(args) as tf.TensorInfo;
    if (out.dataId === x.dataId || isIdentity(perm)) return out;
    releaseOnFree(backend, books, watched);
    if (variable) {
      // not also an origin: the kept transpose holding the weight's data would keep it from ever being freed
      backend.incRef(out.dataId);
      const entry = { dataId: out.dataId, shape: [...out.shape], dtype: out.dtype, perm: [...perm] };
      books.kept.set(x.dataId, [...(books.kept.get(x.dataId) ?? []), entry]);
    } else {
      backend.incRef(x.dataId);
      books.origins.set(out.dataId, { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype, perm: [...perm] });
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
 * Makes the backend let go of what the rule holds when the data it hangs on is freed: a transpose input's data when
 * the transpose's output goes, a variable's kept transposes when the variable's data goes. The engine counts a data
 * buffer until the backend frees it, so a buffer freed here is also removed from the engine's books.
 */
function releaseOnFree(backend: Backend, books: Books, watched: WeakSet<tf.KernelBackend>) {
  if (watched.has(backend)) return;
  watched.add(backend);
  const disposeData = backend.disposeData.bind(backend);
  // through the wrapped method, so that held data that is itself an origin or a variable lets go of its own
  const release = (dataId: tf.DataId) => {
    if (backend.disposeData(dataId)) tf.engine().removeDataId(dataId, backend);
  };
  backend.disposeData = (dataId: tf.DataId, force?: boolean): boolean => {
    const freed = disposeData(dataId, force);
    if (!freed) return freed;
    const origin = books.origins.get(dataId);
    if (origin) {
      books.origins.delete(dataId);
      release(origin.dataId);
    }
    const kept = books.kept.get(dataId);
    if (kept) {
      books.kept.delete(dataId);
      for (const k of kept) release(k.dataId);
    }
    return freed;
  };
}
