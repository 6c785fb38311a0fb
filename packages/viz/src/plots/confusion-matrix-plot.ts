import { COLORMAPS, type ColormapName, luminance, rgbString } from './colors.js';
import { Figure } from './figure.js';
import { textWidth } from './font.js';
import { svgDocument, tag, text } from './svg.js';
import { formatTick, niceTicks, tickStep } from './ticks.js';

/** Anything with a square `matrix` of counts (rows true, columns predicted), as @trainkit/metrics' ConfusionMatrix. */
export interface ConfusionMatrixLike {
  readonly matrix: readonly (readonly number[])[];
  readonly classNames?: readonly string[];
}

export interface ConfusionMatrixPlotOptions {
  classNames?: readonly string[];
  /** Divide by row sums ('true', recall per cell), column sums ('pred') or the total ('all'); default counts. */
  normalize?: 'true' | 'pred' | 'all';
  title?: string;
  cmap?: ColormapName;
  /** Cell side in px (default 44, smaller for many classes). */
  cellSize?: number;
  fontSize?: number;
  /** Show the value in each cell (default true). */
  showValues?: boolean;
  /** Decimals for normalised values (default 2). */
  digits?: number;
}

/**
 * Heatmap of a confusion matrix with the count (or rate) in each cell and class names on both axes, laid out like
 * sklearn's ConfusionMatrixDisplay: true label down the side, predicted label along the bottom, colour bar right.
 */
export function plotConfusionMatrix(
  cm: readonly (readonly number[])[] | ConfusionMatrixLike,
  options: ConfusionMatrixPlotOptions = {},
): Figure {
  const counts = 'matrix' in cm ? cm.matrix : cm;
  const n = counts.length;
  if (n === 0 || counts.some((r) => r.length !== n)) {
    throw new Error(
      `plotConfusionMatrix: expected a square matrix, got ${n} rows of lengths [${counts.map((r) => r.length).join(', ')}]`,
    );
  }
  const names = options.classNames ?? ('matrix' in cm ? cm.classNames : undefined) ?? counts.map((_, i) => String(i));
  if (names.length !== n) throw new Error(`plotConfusionMatrix: ${names.length} class names for ${n} classes`);
  const rowSums = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const colSums = counts[0]?.map((_, j) => counts.reduce((a, r) => a + (r[j] ?? 0), 0)) ?? [];
  const total = rowSums.reduce((a, b) => a + b, 0);
  const value = (i: number, j: number): number => {
    const v = counts[i]?.[j] ?? 0;
    if (options.normalize === 'true') return rowSums[i] ? v / (rowSums[i] as number) : 0;
    if (options.normalize === 'pred') return colSums[j] ? v / (colSums[j] as number) : 0;
    if (options.normalize === 'all') return total ? v / total : 0;
    return v;
  };
  const values = counts.map((r, i) => r.map((_, j) => value(i, j)));
  const vmax = Math.max(0, ...values.flat());
  const vmin = Math.min(0, ...values.flat());
  const cmap = COLORMAPS[options.cmap ?? 'blues'];
  const fs = options.fontSize ?? 12;
  const cell = options.cellSize ?? Math.max(26, Math.min(48, Math.floor(480 / n)));
  const digits = options.digits ?? 2;
  const label = (v: number) =>
    options.normalize ? v.toFixed(digits) : Number.isInteger(v) ? String(v) : v.toFixed(digits);
  const nameW = Math.max(...names.map((s) => textWidth(s, fs)));
  const rotate = nameW > cell - 4;
  const left = fs * 2.2 + nameW + 10;
  const top = options.title ? fs * 2.6 : fs;
  const gridW = n * cell;
  const bottomLabels = rotate ? nameW * Math.SQRT1_2 + fs + 12 : fs * 1.8;
  const height = Math.ceil(top + gridW + bottomLabels + fs * 2);
  const barX = left + gridW + 18;
  const barW = 14;
  const ticks = niceTicks(vmin, vmax, 5);
  const step = tickStep(vmin, vmax, 5);
  const tickLabels = ticks.map((t) => (options.normalize ? formatTick(t, step) : formatTick(t, Math.max(step, 1))));
  const width = Math.ceil(barX + barW + 8 + Math.max(0, ...tickLabels.map((t) => textWidth(t, fs))) + 12);
  const parts: string[] = [];
  const showValues = options.showValues ?? true;
  const valueSize = Math.min(fs, cell * 0.36);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = values[i]?.[j] ?? 0;
      const t = vmax > vmin ? (v - vmin) / (vmax - vmin) : 0;
      const color = cmap(t);
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(tag('rect', { x, y, width: cell, height: cell, fill: rgbString(color) }));
      if (showValues) {
        const fill = luminance(color) < 0.5 ? 'white' : '#111';
        parts.push(
          text(x + cell / 2, y + cell / 2, label(v), { size: valueSize, anchor: 'middle', baseline: 'central', fill }),
        );
      }
    }
  }
  parts.push(tag('rect', { x: left, y: top, width: gridW, height: gridW, fill: 'none', stroke: '#333' }));
  names.forEach((name, i) => {
    parts.push(text(left - 6, top + (i + 0.5) * cell, name, { size: fs, anchor: 'end', baseline: 'central' }));
    const x = left + (i + 0.5) * cell;
    const y = top + gridW + 6;
    if (rotate) parts.push(text(x, y + fs * 0.7, name, { size: fs, anchor: 'end', rotate: -45 }));
    else parts.push(text(x, y + fs * 0.8, name, { size: fs, anchor: 'middle' }));
  });
  parts.push(text(left + gridW / 2, height - fs * 0.6, 'Predicted label', { size: fs * 1.05, anchor: 'middle' }));
  parts.push(text(fs * 1.1, top + gridW / 2, 'True label', { size: fs * 1.05, anchor: 'middle', rotate: -90 }));
  if (options.title)
    parts.push(text(left + gridW / 2, fs * 1.6, options.title, { size: fs * 1.15, anchor: 'middle', bold: true }));
  // colour bar
  const steps = 64;
  for (let k = 0; k < steps; k++) {
    const y = top + gridW - ((k + 1) / steps) * gridW;
    parts.push(
      tag('rect', { x: barX, y, width: barW, height: gridW / steps + 0.5, fill: rgbString(cmap((k + 0.5) / steps)) }),
    );
  }
  parts.push(tag('rect', { x: barX, y: top, width: barW, height: gridW, fill: 'none', stroke: '#333' }));
  ticks.forEach((t, k) => {
    const y = top + gridW - (vmax > vmin ? ((t - vmin) / (vmax - vmin)) * gridW : 0);
    parts.push(tag('line', { x1: barX + barW, x2: barX + barW + 4, y1: y, y2: y, stroke: '#333' }));
    parts.push(text(barX + barW + 7, y, tickLabels[k] ?? '', { size: fs * 0.9, baseline: 'central' }));
  });
  return new Figure(svgDocument(width, height, parts.join(''), options.title ?? 'confusion matrix'), width, height);
}
