import { COLORMAPS, type ColormapName } from './colors.js';
import { Figure } from './figure.js';
import {
  type FloatImage,
  type ImageInput,
  type ImageNormalize,
  normalizeImage,
  rgbDataUri,
  toFloatImages,
  toRgb,
} from './image-data.js';
import { svgDocument, tag, text } from './svg.js';

/** One cell of a grid: RGB bytes and a title above it. */
export interface GridCell {
  rgb: Uint8Array;
  width: number;
  height: number;
  title?: string;
  titleColor?: string;
}

export interface GridLayout {
  ncols?: number;
  /** Longest side of each image on the figure, px (default: 96, or larger for tiny images). */
  cellSize?: number;
  title?: string;
  fontSize?: number;
}

/** Lays out images in rows with titles above them; each image keeps its aspect ratio and square pixels. */
export function gridFigure(cells: readonly GridCell[], layout: GridLayout = {}): Figure {
  if (cells.length === 0) throw new Error('image grid: no images to show');
  const fs = layout.fontSize ?? 11;
  const ncols = Math.max(1, Math.min(layout.ncols ?? Math.ceil(Math.sqrt(cells.length)), cells.length));
  const nrows = Math.ceil(cells.length / ncols);
  const maxSide = Math.max(...cells.map((c) => Math.max(c.width, c.height)));
  const cell = layout.cellSize ?? Math.max(96, Math.min(160, maxSide * 4));
  const titleLines = Math.max(0, ...cells.map((c) => (c.title ? c.title.split('\n').length : 0)));
  const titleH = titleLines * fs * 1.2 + (titleLines ? 4 : 0);
  const pad = 8;
  const headH = layout.title ? fs * 2.2 : 0;
  const longest = Math.max(0, ...cells.flatMap((c) => (c.title ?? '').split('\n').map((l) => l.length)));
  const colW = Math.max(cell, Math.min(longest * fs * 0.62, cell * 1.8)) + pad;
  const rowH = cell + titleH + pad;
  const width = Math.ceil(ncols * colW + pad);
  const height = Math.ceil(headH + nrows * rowH + pad);
  const parts: string[] = [];
  if (layout.title)
    parts.push(text(width / 2, fs * 1.5, layout.title, { size: fs * 1.2, anchor: 'middle', bold: true }));
  cells.forEach((c, i) => {
    const col = i % ncols;
    const row = Math.floor(i / ncols);
    const x0 = pad + col * colW;
    const y0 = headH + pad + row * rowH;
    const scale = cell / Math.max(c.width, c.height);
    const w = c.width * scale;
    const h = c.height * scale;
    const cx = x0 + (colW - pad) / 2;
    if (c.title) {
      parts.push(text(cx, y0 + fs, c.title, { size: fs, anchor: 'middle', fill: c.titleColor }));
    }
    // enlarge by an integer factor first: renderers then have nothing to smooth between pixels
    const factor = Math.max(1, Math.floor(scale * 2));
    parts.push(
      tag('image', {
        x: cx - w / 2,
        y: y0 + titleH + (cell - h) / 2,
        width: w,
        height: h,
        preserveAspectRatio: 'none',
        'image-rendering': 'optimizeSpeed',
        style: 'image-rendering:pixelated',
        href: rgbDataUri(c.rgb, c.width, c.height, factor),
      }),
    );
  });
  return new Figure(svgDocument(width, height, parts.join(''), layout.title ?? 'image grid'), width, height);
}

export interface ShowImagesOptions extends GridLayout {
  /** One title per image; '\n' splits lines ('true: cat (0.12)\npred: dog (0.81)'). */
  titles?: readonly string[];
  titleColors?: readonly (string | undefined)[];
  /** [0, 1] mapping (default 'auto'); {mean, std} undoes transforms.Normalize. */
  normalize?: ImageNormalize;
  /** Colour map for single-channel images (default gray). */
  cmap?: ColormapName;
  /** Tensors are [N, H, W, C] / [H, W, C] instead of PyTorch's channels-first layout. */
  channelsLast?: boolean;
}

/**
 * A grid of images with per-image titles, like d2l.show_images: tensors [N, C, H, W] (C = 1 or 3), [N, H, W], a
 * list of [C, H, W] tensors, or FloatImages.
 */
export function showImages(images: ImageInput, options: ShowImagesOptions = {}): Figure {
  const imgs: FloatImage[] = toFloatImages(images, options.channelsLast);
  const cmap = COLORMAPS[options.cmap ?? 'gray'];
  const cells = imgs.map((img, i) => ({
    rgb: toRgb(normalizeImage(img, options.normalize ?? 'auto'), img.channels, cmap),
    width: img.width,
    height: img.height,
    title: options.titles?.[i],
    titleColor: options.titleColors?.[i],
  }));
  return gridFigure(cells, options);
}
