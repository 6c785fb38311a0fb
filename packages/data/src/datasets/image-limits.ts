import { DataFileError, type DataFileErrorDetails } from '../io/data-file-error.js';

/**
 * PIL's `Image.MAX_IMAGE_PIXELS`: about a quarter of a gigabyte of RGB at 3 bytes a pixel. An image declaring more
 * pixels than this warns (DecompressionBombWarning); more than twice this is refused (DecompressionBombError), as PIL
 * does, from the header alone, before any pixel buffer is allocated.
 */
export const MAX_IMAGE_PIXELS = 89_478_485;

export interface ImageLimitOptions {
  /**
   * the largest width × height decoded without a warning (default MAX_IMAGE_PIXELS, PIL's default); above twice this
   * the image is refused. `null` lifts the limit, as PIL's `Image.MAX_IMAGE_PIXELS = None`.
   */
  maxImagePixels?: number | null;
  /** receives the DecompressionBombWarning (default: process.emitWarning) */
  onWarning?: (message: string) => void;
}

/** An image whose header declares more than twice `maxImagePixels` pixels: PIL's DecompressionBombError. */
export class DecompressionBombError extends DataFileError {
  readonly pixels: number;
  readonly limit: number;

  constructor(message: string, details: DataFileErrorDetails & { pixels: number; limit: number }) {
    super(message, details);
    this.name = 'DecompressionBombError';
    this.pixels = details.pixels;
    this.limit = details.limit;
  }
}

/**
 * Checks the size an image's header declares, before decoding: 0 × N is refused (nothing to decode, and PIL
 * refuses it too), more than twice the limit raises DecompressionBombError, more than the limit warns.
 */
export function checkImageSize(
  width: number,
  height: number,
  file: string,
  headerOffset: number,
  options: ImageLimitOptions = {},
): void {
  if (width === 0 || height === 0) {
    throw new DataFileError(`${file}: the header at byte offset ${headerOffset} declares a ${width}×${height} image`, {
      file,
      offset: headerOffset,
      expected: 'width and height ≥ 1',
      actual: `${width}×${height}`,
    });
  }
  const limit = options.maxImagePixels === undefined ? MAX_IMAGE_PIXELS : options.maxImagePixels;
  if (limit === null) return;
  const pixels = width * height;
  if (pixels > 2 * limit) {
    throw new DecompressionBombError(
      `${file}: image size (${width}×${height} = ${pixels} pixels, header at byte offset ${headerOffset}) exceeds twice the limit of ${limit} pixels, could be a decompression bomb DOS attack (raise maxImagePixels to read it)`,
      { file, offset: headerOffset, expected: `≤ ${2 * limit} pixels`, actual: pixels, pixels, limit },
    );
  }
  if (pixels > limit) {
    const message = `${file}: image size (${width}×${height} = ${pixels} pixels) exceeds the limit of ${limit} pixels, could be a decompression bomb DOS attack`;
    if (options.onWarning) options.onWarning(message);
    else process.emitWarning(message, 'DecompressionBombWarning');
  }
}
