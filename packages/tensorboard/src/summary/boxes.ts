import type { Values } from '../tensor-like.js';
import { FONT, textWidth } from './bitmap-font.js';
import type { HWCImage } from './image.js';

const RED = [255, 0, 0, 255];
const BLACK = [0, 0, 0, 255];
/** tensorboardX's `_draw_single_box` line width. */
const THICKNESS = 2;

/**
 * Draws boxes into the image as tensorboardX's `draw_boxes` does with PIL: each row of `boxes` ([N, 4], xmin,
 * ymin, xmax, ymax, truncated to integer pixels as PIL does) is a closed red polyline of width 2, each segment the
 * rectangle PIL's wide-line rasterizer fills for an axis-aligned segment. A label is a red box at the box's lower
 * left corner with the text in black, laid out as tensorboardX lays it out (a margin of ceil(5 % of the text
 * height)); the text is drawn with our bitmap font (X11 misc-fixed), not PIL's default font.
 */
export function drawBoxes(img: HWCImage, boxes: Values, labels: readonly string[] | undefined, what: string): void {
  const shape = boxes.shape;
  const n = shape.length === 1 && shape[0] === 4 ? 1 : shape[0]!;
  if (!((shape.length === 2 && shape[1] === 4) || (shape.length === 1 && shape[0] === 4))) {
    throw new RangeError(`${what}: boxes must be [N, 4] (xmin, ymin, xmax, ymax), got shape [${shape.join(', ')}]`);
  }
  if (labels !== undefined && labels.length !== n) {
    throw new RangeError(`${what}: ${labels.length} labels for ${n} boxes; give one label per box`);
  }
  for (let i = 0; i < n; i++) {
    const [l, t, r, b] = [0, 1, 2, 3].map((k) => Math.trunc(boxes.data[4 * i + k]!)) as [
      number,
      number,
      number,
      number,
    ];
    if (![l, t, r, b].every(Number.isFinite)) throw new RangeError(`${what}: box ${i} has a non-finite coordinate`);
    const corners: [number, number][] = [
      [l, t],
      [l, b],
      [r, b],
      [r, t],
      [l, t],
    ];
    for (let k = 0; k < 4; k++) wideSegment(img, corners[k]!, corners[k + 1]!, RED);
    const label = labels?.[i];
    if (label) drawLabel(img, label, l, b);
  }
}

/**
 * PIL's ImagingDrawWideLine (libImaging/Draw.c) for an axis-aligned segment: the quad with vertices (x0 - dxmin,
 * y0 + dymax), (x1 - dxmin, y1 + dymax), (x1 + dxmax, y1 - dymin), (x0 + dxmax, y0 - dymin), where the offsets are
 * round_up / round_down of (width - 1) / 2 along the segment's unit normal (1 and 0 for width 2), filled
 * inclusively. A zero-length segment is one pixel, as there.
 */
function wideSegment(img: HWCImage, [x0, y0]: [number, number], [x1, y1]: [number, number], colour: number[]): void {
  const dx = Math.sign(x1 - x0);
  const dy = Math.sign(y1 - y0);
  const half = (THICKNESS - 1) / 2;
  const max = Math.floor(half + 0.5);
  const min = Math.ceil(half - 0.5);
  // Offsets of PIL's vertices: (x - min·dy, y + max·dx), (x + max·dy, y - min·dx).
  const xs = [x0 - min * dy, x1 - min * dy, x1 + max * dy, x0 + max * dy];
  const ys = [y0 + max * dx, y1 + max * dx, y1 - min * dx, y0 - min * dx];
  fillRect(img, Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), colour);
}

/** Fills the pixels from (x0, y0) to (x1, y1) inclusive, clipped to the image. */
function fillRect(img: HWCImage, x0: number, y0: number, x1: number, y1: number, colour: number[]): void {
  const { width, height, channels, data } = img;
  for (let y = Math.max(0, y0); y <= Math.min(height - 1, y1); y++) {
    for (let x = Math.max(0, x0); x <= Math.min(width - 1, x1); x++) {
      const o = (y * width + x) * channels;
      for (let k = 0; k < channels; k++) data[o + k] = colour[k]!;
    }
  }
}

/** The pixels a label covers, [left, top, right, bottom] inclusive: its red box, which holds the text. */
export function labelRect(text: string, left: number, bottom: number): [number, number, number, number] {
  const margin = Math.ceil(0.05 * FONT.height);
  return [left, bottom - FONT.height - 2 * margin, left + margin + textWidth(text), bottom];
}

function drawLabel(img: HWCImage, text: string, left: number, bottom: number): void {
  const margin = Math.ceil(0.05 * FONT.height);
  // tensorboardX's box is as wide as the text; ours also covers the text's indent, so no glyph pixel falls outside.
  const [l, t, r, b] = labelRect(text, left, bottom);
  fillRect(img, l, t, r, b, RED);
  let x = left + margin;
  const top = bottom - FONT.height - margin;
  for (const ch of text) {
    const glyph = FONT.glyph(ch);
    for (let row = 0; row < FONT.height; row++) {
      const bits = glyph.rows[row] ?? 0;
      for (let col = 0; col < glyph.width; col++) {
        if (bits & (1 << (glyph.width - 1 - col))) fillRect(img, x + col, top + row, x + col, top + row, BLACK);
      }
    }
    x += glyph.width;
  }
}
