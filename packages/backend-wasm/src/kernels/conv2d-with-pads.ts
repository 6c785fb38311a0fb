import { release, runKernel, type TensorInfo, type WasmBackend } from './wasm-kernel-call.js';

/** Padding per side of the two spatial axes; a negative value crops that many rows or columns instead. */
export interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * A stride-1 NHWC convolution (`Conv2D`, or `DepthwiseConv2dNative`) by the wasm backend's XNNPACK kernel, with
 * explicit per-side padding. The backward passes express themselves as such convolutions, and their geometry can ask
 * for negative padding (rows the forward pass never reached), which XNNPACK cannot take: those rows are sliced off.
 */
export function conv2dWithPads(
  backend: WasmBackend,
  x: TensorInfo,
  filter: TensorInfo,
  pads: Pads,
  dilations: [number, number],
  kernel: 'Conv2D' | 'DepthwiseConv2dNative' = 'Conv2D',
): TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const cropTop = Math.max(0, -pads.top);
  const cropBottom = Math.max(0, -pads.bottom);
  const cropLeft = Math.max(0, -pads.left);
  const cropRight = Math.max(0, -pads.right);
  const cropped =
    cropTop + cropBottom + cropLeft + cropRight > 0
      ? runKernel(
          backend,
          'Slice',
          { x },
          {
            begin: [0, cropTop, cropLeft, 0],
            size: [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c],
          },
        )
      : undefined;
  const pad = [
    [0, 0],
    [Math.max(0, pads.top), Math.max(0, pads.bottom)],
    [Math.max(0, pads.left), Math.max(0, pads.right)],
    [0, 0],
  ];
  const out = runKernel(backend, kernel, { x: cropped ?? x, filter }, {
    strides: [1, 1],
    pad,
    dilations,
    dataFormat: 'NHWC',
  } as never);
  if (cropped) release(backend, cropped);
  return out;
}

/**
 * dy with (stride - 1) zeros after every row and column, so that the transposed convolution of a strided
 * convolution becomes a stride-1 one. The trailing zeros are counted in the returned height and width.
 */
export function insertZeros(backend: WasmBackend, dy: TensorInfo, strides: [number, number]): TensorInfo {
  const [n, oh, ow, c] = dy.shape as [number, number, number, number];
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return runKernel(backend, 'Reshape', { x: dy }, { shape: [n, oh, ow, c] });
  const spread = runKernel(backend, 'Reshape', { x: dy }, { shape: [n, oh, 1, ow, 1, c] });
  const padded = runKernel(backend, 'PadV2', { x: spread }, {
    paddings: [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ],
    constantValue: 0,
  } as never);
  const out = runKernel(backend, 'Reshape', { x: padded }, { shape: [n, oh * sh, ow * sw, c] });
  release(backend, spread, padded);
  return out;
}
