import { tf } from '@trainkit/core';
import type { NativeAddon } from '../addon.js';
import type { NativeBackend } from '../native-backend.js';
import { floats, floatsAnyLayout, NATIVE_FROM, type NativeBody, nativeKernel, sizeOf, uninitialised } from './util.js';

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const NATIVE_BROADCAST_FROM = 64;

/** Left-pads a shape with 1s to `rank` (numpy broadcasting aligns trailing dims). */
function padTo(shape: number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

export function layoutKernels(addon: NativeAddon): tf.KernelConfig[] {
  // NHWC → NCHW of a channel-blocked x ([N][C/b][H][W][b]) is the 5-d transpose [0, 1, 4, 2, 3]: one pass. The pass
  // is deferred until the output is read (BufferStore.defer): the transpose back that usually follows gets x itself.
  const transpose: NativeBody = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const perm = attrs.perm as number[];
    const raw = floatsAnyLayout(backend, x);
    if (!raw || raw.length < NATIVE_FROM || x.shape.length < 2 || perm.every((p, i) => p === i)) return undefined;
    const outShape = perm.map((p) => x.shape[p]!);
    const y = uninitialised(backend, raw.length);
    const shape = [...x.shape];
    backend.buffers.defer(y, raw, () => {
      const block = backend.buffers.blockOf(raw);
      if (block && perm.join() === '0,3,1,2') {
        const [n, h, w, c] = shape as [number, number, number, number];
        addon.transpose(raw, y, Int32Array.of(5, n, c / block, h, w, block, 0, 1, 4, 2, 3));
      } else {
        backend.buffers.toPlain(raw, shape);
        addon.transpose(raw, y, Int32Array.from([shape.length, ...shape, ...perm]));
      }
    });
    return backend.makeTensorInfo(outShape, 'float32', y);
  };

  // A bias gradient (Σ over N, H, W) of a channel-blocked x sums its [N, C/b, H·W, b] view over axes 0 and 2.
  const sum: NativeBody = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const raw = floatsAnyLayout(backend, x);
    if (!raw || raw.length < NATIVE_FROM || x.shape.length === 0) return undefined;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    if (axes.length === 0) return undefined;
    const reduced = x.shape.map((_, i) => (axes.includes(i) ? 1 : 0));
    const outShape = attrs.keepDims
      ? x.shape.map((d, i) => (reduced[i] ? 1 : d))
      : x.shape.filter((_, i) => !reduced[i]);
    const y = uninitialised(backend, sizeOf(outShape));
    const block = backend.buffers.blockOf(raw);
    if (block && reduced.join() === '1,1,1,0') {
      const [n, h, w, c] = x.shape as [number, number, number, number];
      addon.sum(raw, y, Int32Array.of(4, n, c / block, h * w, block, 1, 0, 1, 0));
    } else {
      const xv = floats(backend, x)!;
      addon.sum(xv, y, Int32Array.from([x.shape.length, ...x.shape, ...reduced]));
    }
    return backend.makeTensorInfo(outShape, 'float32', y);
  };

  // oneDNN's binary broadcasts its second operand only: the one of full output shape goes first (swapped for the
  // commutative add and mul); a sub or div whose first operand broadcasts goes to the cpu kernel.
  // Two buffers blocked alike and of one shape combine position by position, and the output is blocked alike; so
  // does a blocked x with a per-channel [C] operand, as [N, C/b, H·W, b] with [1, C/b, 1, b].
  const blockedBinary = (
    backend: NativeBackend,
    kind: number,
    a: tf.TensorInfo,
    b: tf.TensorInfo,
    av: Float32Array,
    bv: Float32Array,
  ) => {
    const block = backend.buffers.blockOf(av);
    if (!block || a.shape.length !== 4) return undefined;
    const [n, h, w, c] = a.shape as [number, number, number, number];
    let key: Int32Array;
    if (backend.buffers.blockOf(bv) === block && b.shape.join() === a.shape.join())
      key = Int32Array.of(kind, 1, av.length, av.length);
    else if (!backend.buffers.blockOf(bv) && b.shape.length === 1 && b.shape[0] === c && c > 1) {
      key = Int32Array.of(kind, 4, n, c / block, h * w, block, 1, c / block, 1, block);
    } else return undefined;
    const y = uninitialised(backend, av.length);
    addon.binary(av, bv, y, key);
    backend.buffers.setBlock(y, block);
    return y;
  };

  const binary =
    (kind: number): NativeBody =>
    ({ inputs, backend }) => {
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const rawA = floatsAnyLayout(backend, a);
      const rawB = floatsAnyLayout(backend, b);
      if (!rawA || !rawB) return undefined;
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      // tfjs's cpu kernel maps every element's index through the strides when one operand broadcasts (~100 ns an
      // element), so those come here from a few dozen elements
      const broadcasts = a.shape.join() !== b.shape.join();
      if (sizeOf(outShape) < (broadcasts ? NATIVE_BROADCAST_FROM : NATIVE_FROM)) return undefined;
      const blocked = blockedBinary(backend, kind, a, b, rawA, rawB);
      if (blocked) return backend.makeTensorInfo(outShape, 'float32', blocked);
      const av = floats(backend, a)!;
      const bv = floats(backend, b)!;
      const rank = Math.max(outShape.length, 1);
      const full = padTo(outShape, rank).join();
      let [first, second, firstShape, secondShape] = [av, bv, padTo(a.shape, rank), padTo(b.shape, rank)];
      if (firstShape.join() !== full) {
        if (kind === SUB || kind === DIV || secondShape.join() !== full) return undefined;
        [first, second, firstShape, secondShape] = [bv, av, secondShape, firstShape];
      }
      const y = uninitialised(backend, first.length);
      addon.binary(first, second, y, Int32Array.from([kind, rank, ...firstShape, ...secondShape]));
      return backend.makeTensorInfo(outShape, 'float32', y);
    };

  return [
    nativeKernel(tf.Transpose, transpose),
    nativeKernel(tf.Sum, sum),
    nativeKernel(tf.Add, binary(ADD)),
    nativeKernel(tf.Sub, binary(SUB)),
    nativeKernel(tf.Multiply, binary(MUL)),
    nativeKernel(tf.RealDiv, binary(DIV)),
  ];
}
