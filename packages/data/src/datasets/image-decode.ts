import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import type { ImageArray } from '../image-array.js';
import { DataFileError } from '../io/data-file-error.js';
import { readRegularFile } from '../io/read-regular-file.js';
import type { ImageLimitOptions } from './image-limits.js';
import { checkJpegHeader } from './jpeg-check.js';
import { checkJpegScans } from './jpeg-scan-check.js';
import { checkPng } from './png-check.js';

/** Options of decodeImage and loadImageFile: the decompression-bomb limit (PIL's MAX_IMAGE_PIXELS). */
export type DecodeImageOptions = ImageLimitOptions;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const hexBytes = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

function isPng(b: Uint8Array): boolean {
  return PNG_SIGNATURE.every((v, i) => b[i] === v);
}

function isJpeg(b: Uint8Array): boolean {
  return b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

// Any PNG sample layout → 8-bit RGB, as PIL's convert('RGB') does: gray is replicated, alpha is dropped (not
// composited), 16-bit samples keep their high byte, 1/2/4-bit gray is scaled to 0–255.
function pngToRgb(png: ReturnType<typeof decodePng>): ImageArray {
  const { width, height } = png;
  let data = png.data as Uint8Array | Uint16Array;
  let channels = png.channels;
  let depth: number = png.depth;
  if (png.palette) {
    data = convertIndexedToRgb(png) as Uint8Array;
    channels = data.length / (width * height);
    depth = 8;
  }
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const sample = (i: number): number => {
    if (depth === 8) return data[i]!;
    if (depth === 16) return data[i]! >> 8;
    return 0;
  };
  if (depth < 8) {
    // packed gray rows, each starting on a byte boundary
    const bytesPerRow = Math.ceil((width * depth) / 8);
    const max = (1 << depth) - 1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = x * depth;
        const byte = data[y * bytesPerRow + (bit >> 3)]!;
        const v = (byte >> (8 - depth - (bit & 7))) & max;
        const g = Math.round((v * 255) / max);
        const o = (y * width + x) * 3;
        out[o] = out[o + 1] = out[o + 2] = g;
      }
    }
    return { data: out, height, width, channels: 3 };
  }
  for (let p = 0; p < n; p++) {
    const s = p * channels;
    if (channels <= 2) {
      const g = sample(s);
      out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = g;
    } else {
      out[p * 3] = sample(s);
      out[p * 3 + 1] = sample(s + 1);
      out[p * 3 + 2] = sample(s + 2);
    }
  }
  return { data: out, height, width, channels: 3 };
}

/**
 * Decodes PNG or JPEG bytes (told apart by their signature, not the file name) into an 8-bit RGB ImageArray. The
 * header is checked first: a size over twice `maxImagePixels` throws DecompressionBombError before any pixel
 * buffer exists, a 0×0 image and a PNG with a bad CRC, a bad IHDR or corrupt image data throw DataFileError.
 */
export function decodeImage(bytes: Uint8Array, file: string, options: DecodeImageOptions = {}): ImageArray {
  if (isPng(bytes)) {
    checkPng(bytes, file, options);
    try {
      return pngToRgb(decodePng(bytes));
    } catch (err) {
      throw new DataFileError(`${file}: cannot decode PNG (${(err as Error).message}); ${bytes.length} bytes`, {
        file,
      });
    }
  }
  if (isJpeg(bytes)) {
    checkJpegHeader(bytes, file, options);
    checkJpegScans(bytes, file);
    try {
      // the size was checked above against our limit; jpeg-js's own (100 MP, 512 MB) must not refuse first
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        tolerantDecoding: false,
        maxResolutionInMP: Number.MAX_SAFE_INTEGER,
        maxMemoryUsageInMB: 1 << 16,
      });
      return { data: img.data, height: img.height, width: img.width, channels: 3 };
    } catch (err) {
      throw new DataFileError(`${file}: cannot decode JPEG (${(err as Error).message ?? err}); ${bytes.length} bytes`, {
        file,
      });
    }
  }
  throw new DataFileError(
    `${file}: not a PNG or JPEG: the first bytes are ${hexBytes(bytes.subarray(0, 8)) || '(empty file)'}, expected 89 50 4e 47 0d 0a 1a 0a (PNG) or ff d8 ff (JPEG)`,
    { file, offset: 0, expected: 'PNG or JPEG signature', actual: hexBytes(bytes.subarray(0, 8)) },
  );
}

/**
 * Reads and decodes an image file: the default `loader` of ImageFolder, like torchvision's pil_loader. A directory,
 * FIFO or device under an image's name is refused before reading.
 */
export function loadImageFile(path: string, options: DecodeImageOptions = {}): ImageArray {
  return decodeImage(readRegularFile(path), path, options);
}
