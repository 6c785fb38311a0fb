import { crc32 } from 'node:zlib';
import type { ImageProto } from '../proto.js';

/**
 * What addFigure takes: PNG bytes, or anything that renders itself to PNG (a @trainkit/viz Figure or Animator,
 * matched by shape so this package depends on no plotting library).
 */
export type FigureInput = Uint8Array | { toPNG(): Uint8Array };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Signature (8), then the IHDR chunk: length (4), type (4), 13 bytes of data, CRC (4).
const IHDR_END = 8 + 4 + 4 + 13 + 4;

// PNG colour type → Summary.Image colorspace (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA), with the bit depths the PNG
// specification allows for each. A palette image is RGB; a tRNS chunk's transparency is not looked for, the
// colorspace being informational (TensorBoard shows the PNG as it is).
const COLOR_TYPES: Record<number, { colorspace: number; depths: number[] }> = {
  0: { colorspace: 1, depths: [1, 2, 4, 8, 16] },
  2: { colorspace: 3, depths: [8, 16] },
  3: { colorspace: 3, depths: [1, 2, 4, 8] },
  4: { colorspace: 2, depths: [8, 16] },
  6: { colorspace: 4, depths: [8, 16] },
};

/**
 * Summary.Image holding the figure's PNG bytes unchanged (no decoding and re-encoding), with width, height and
 * colorspace read from its IHDR chunk. Throws, naming `what`, for anything that is not a PNG with a sound IHDR.
 */
export function figureImage(figure: FigureInput, what: string): ImageProto {
  const png = pngBytes(figure, what);
  const bad = (detail: string) => new TypeError(`${what}: not a PNG image: ${detail}`);
  if (png.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => png[i] !== b)) {
    const start = Array.from(png.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw bad(
      `it starts with ${start ? `bytes ${start}` : 'nothing (0 bytes)'}, not the PNG signature 89 50 4e 47 0d 0a 1a 0a`,
    );
  }
  if (png.length < IHDR_END) throw bad(`${png.length} bytes end inside the IHDR chunk, which ends at byte ${IHDR_END}`);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const type = String.fromCharCode(...png.subarray(12, 16));
  if (type !== 'IHDR' || view.getUint32(8) !== 13) {
    throw bad(`the first chunk must be IHDR with 13 bytes of data, got '${type}' with ${view.getUint32(8)}`);
  }
  const crc = crc32(png.subarray(12, 29));
  if (crc !== view.getUint32(29)) {
    throw bad(`the IHDR chunk's CRC is ${hex(view.getUint32(29))}, its bytes give ${hex(crc)} (corrupt or truncated)`);
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = png[24]!;
  const colorType = png[25]!;
  // The specification caps both sides at 2^31 - 1 and forbids 0.
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw bad(`IHDR gives a size of ${width}×${height}`);
  }
  const kind = COLOR_TYPES[colorType];
  if (!kind?.depths.includes(depth)) {
    throw bad(`IHDR gives colour type ${colorType} with bit depth ${depth}, which PNG does not define`);
  }
  return { height, width, colorspace: kind.colorspace, encodedImageString: png };
}

function pngBytes(figure: FigureInput, what: string): Uint8Array {
  if (figure instanceof Uint8Array) return figure;
  if (typeof figure === 'object' && figure !== null && typeof figure.toPNG === 'function') {
    const png: unknown = figure.toPNG();
    if (png instanceof Uint8Array) return png;
    throw new TypeError(`${what}: figure.toPNG() returned ${describe(png)}, expected the PNG bytes as a Uint8Array`);
  }
  throw new TypeError(`${what}: expected PNG bytes (a Uint8Array) or an object with toPNG(), got ${describe(figure)}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return x.constructor?.name ? `a ${x.constructor.name}` : 'an object';
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
