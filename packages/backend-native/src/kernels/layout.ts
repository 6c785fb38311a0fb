import { tf } from '@trainkit/core';
import type { NativeAddon } from '../addon.js';
import { floats, NATIVE_FROM, type NativeBody, nativeKernel, sizeOf, uninitialised } from './util.js';

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;

/** Left-pads a shape with 1s to `rank` (numpy broadcasting aligns trailing dims). */
function padTo(shape: number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

export function layoutKernels(addon: NativeAddon): tf.KernelConfig[] {
  const transpose: NativeBody = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const perm = attrs.perm as number[];
    const xv = floats(backend, x);
    if (!xv || xv.length < NATIVE_FROM || x.shape.length < 2 || perm.every((p, i) => p === i)) return undefined;
    const outShape = perm.map((p) => x.shape[p]!);
    const y = uninitialised(xv.length);
    addon.transpose(xv, y, Int32Array.from([x.shape.length, ...x.shape, ...perm]));
    return backend.makeTensorInfo(outShape, 'float32', y);
  };

  const sum: NativeBody = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const xv = floats(backend, x);
    if (!xv || xv.length < NATIVE_FROM || x.shape.length === 0) return undefined;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    if (axes.length === 0) return undefined;
    const reduced = x.shape.map((_, i) => (axes.includes(i) ? 1 : 0));
    const outShape = attrs.keepDims
      ? x.shape.map((d, i) => (reduced[i] ? 1 : d))
      : x.shape.filter((_, i) => !reduced[i]);
    const y = uninitialised(sizeOf(outShape));
    addon.sum(xv, y, Int32Array.from([x.shape.length, ...x.shape, ...reduced]));
    return backend.makeTensorInfo(outShape, 'float32', y);
  };

  // oneDNN's binary broadcasts its second operand only: the one of full output shape goes first (swapped for the
  // commutative add and mul); a sub or div whose first operand broadcasts goes to the cpu kernel.
  const binary =
    (kind: number): NativeBody =>
    ({ inputs, backend }) => {
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const av = floats(backend, a);
      const bv = floats(backend, b);
      if (!av || !bv) return undefined;
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      if (sizeOf(outShape) < NATIVE_FROM) return undefined;
      const rank = Math.max(outShape.length, 1);
      const full = padTo(outShape, rank).join();
      let [first, second, firstShape, secondShape] = [av, bv, padTo(a.shape, rank), padTo(b.shape, rank)];
      if (firstShape.join() !== full) {
        if (kind === SUB || kind === DIV || secondShape.join() !== full) return undefined;
        [first, second, firstShape, secondShape] = [bv, av, secondShape, firstShape];
      }
      const y = uninitialised(first.length);
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
