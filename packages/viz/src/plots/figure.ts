import { extname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomicSync } from '@trainkit/core';
import { FONT_FAMILY, fontFiles } from './font.js';

export interface PngOptions {
  /**
   * Pixels per SVG unit: the PNG is width·scale × height·scale pixels. Default 1: the size the plot was asked for
   * (its `width`/`height` options), as matplotlib's figure is figsize × dpi pixels; 2 for a high-density screen.
   */
  scale?: number;
}

/**
 * A rendered plot: SVG text plus its size. toPNG rasterises it with resvg (Rust, prebuilt per platform as npm
 * optional dependencies) using only the bundled DejaVu fonts; save picks the format from the extension.
 */
export class Figure {
  constructor(
    readonly svg: string,
    readonly width: number,
    readonly height: number,
  ) {}

  toSVG(): string {
    return this.svg;
  }

  toPNG(options: PngOptions = {}): Uint8Array {
    const scale = options.scale ?? 1;
    if (!(scale > 0 && Number.isFinite(scale))) {
      throw new RangeError(`Figure.toPNG: scale should be a positive number, got ${scale}`);
    }
    const resvg = new Resvg(this.svg, {
      fitTo: { mode: 'zoom', value: scale },
      font: {
        loadSystemFonts: false,
        fontFiles: fontFiles(),
        defaultFontFamily: FONT_FAMILY,
        sansSerifFamily: FONT_FAMILY,
      },
      background: 'white',
    });
    return resvg.render().asPng();
  }

  /** Writes `path` atomically: .svg as SVG text, .png (or anything else) as PNG. */
  save(path: string, options: PngOptions = {}): void {
    writeFileAtomicSync(path, extname(path).toLowerCase() === '.svg' ? this.svg : this.toPNG(options));
  }
}
