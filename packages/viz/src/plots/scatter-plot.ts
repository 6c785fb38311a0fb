import { type Tensor, tf } from '@trainkit/core';
import { drawAxes } from './axes.js';
import { TAB10 } from './colors.js';
import { Figure } from './figure.js';
import { textWidth } from './font.js';
import { svgDocument, tag, text } from './svg.js';
import { niceDomain } from './ticks.js';

export interface ScatterPlotOptions {
  /** Class index per point; points are coloured by it (tab10, then repeating). */
  labels?: Tensor | readonly number[];
  classNames?: readonly string[];
  title?: string;
  xlabel?: string;
  ylabel?: string;
  pointSize?: number;
  alpha?: number;
  width?: number;
  height?: number;
  fontSize?: number;
}

function rows2(points: Tensor | readonly (readonly number[])[]): [number, number][] {
  if (points instanceof tf.Tensor) {
    if (points.rank !== 2 || (points.shape[1] as number) < 2) {
      throw new Error(`scatterPlot: expected points of shape [N, 2], got [${points.shape.join(', ')}]`);
    }
    const cols = points.shape[1] as number;
    const v = points.dataSync();
    return Array.from({ length: points.shape[0] as number }, (_, i) => [
      v[i * cols] as number,
      v[i * cols + 1] as number,
    ]);
  }
  return points.map((p, i) => {
    if (p.length < 2) throw new Error(`scatterPlot: point ${i} has ${p.length} coordinates, expected 2`);
    return [p[0] as number, p[1] as number];
  });
}

/** 2-D scatter of points (e.g. pca(features, 2).projected) coloured by label, with a legend of class names. */
export function scatterPlot(points: Tensor | readonly (readonly number[])[], options: ScatterPlotOptions = {}): Figure {
  const pts = rows2(points);
  const labels = options.labels instanceof tf.Tensor ? Array.from(options.labels.dataSync()) : options.labels;
  if (labels && labels.length !== pts.length) {
    throw new Error(`scatterPlot: ${labels.length} labels for ${pts.length} points`);
  }
  const fs = options.fontSize ?? 12;
  const classes = labels ? [...new Set(labels)].sort((a, b) => a - b) : [];
  const names = classes.map((c) => options.classNames?.[c] ?? String(c));
  const legendW = classes.length ? 30 + Math.max(...names.map((n) => textWidth(n, fs))) : 0;
  // whole pixels: the PNG is this size (a fractional width would round up)
  const width = options.width ?? Math.ceil(560 + legendW);
  const height = options.height ?? 440;
  const xs = pts.map((p) => p[0]).filter(Number.isFinite);
  const ys = pts.map((p) => p[1]).filter(Number.isFinite);
  const pad = (lo: number, hi: number): [number, number] => niceDomain(lo - (hi - lo) * 0.03, hi + (hi - lo) * 0.03);
  const axes = drawAxes({
    box: { x: 0, y: 0, width: width - legendW, height },
    xDomain: pad(Math.min(...xs), Math.max(...xs)),
    yDomain: pad(Math.min(...ys), Math.max(...ys)),
    xlabel: options.xlabel,
    ylabel: options.ylabel,
    title: options.title,
    fontSize: fs,
  });
  const r = options.pointSize ?? 2.8;
  const alpha = options.alpha ?? 0.75;
  const parts = [axes.svg];
  const colorOf = (label: number | undefined) =>
    label === undefined ? TAB10[0] : TAB10[classes.indexOf(label) % TAB10.length];
  pts.forEach(([x, y], i) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    parts.push(
      tag('circle', {
        cx: axes.sx(x),
        cy: axes.sy(y),
        r,
        fill: colorOf(labels?.[i]),
        'fill-opacity': alpha,
        'clip-path': axes.clip,
      }),
    );
  });
  classes.forEach((c, k) => {
    const y = axes.plot.top + 8 + k * fs * 1.5;
    const x = width - legendW + 6;
    parts.push(tag('circle', { cx: x + 6, cy: y, r: 4.5, fill: colorOf(c) }));
    parts.push(text(x + 16, y, names[k] ?? '', { size: fs, baseline: 'central' }));
  });
  return new Figure(svgDocument(width, height, parts.join(''), options.title ?? 'scatter plot'), width, height);
}
