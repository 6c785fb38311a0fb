import type { nn } from '@trainkit/core';
import { histogram, moments, readValues } from '../weights/histogram.js';
import { drawAxes } from './axes.js';
import { TAB10 } from './colors.js';
import { Figure } from './figure.js';
import { svgDocument, tag, text } from './svg.js';
import { niceDomain } from './ticks.js';

export interface WeightHistogramsOptions {
  bins?: number;
  /** Also draw 1-d parameters (biases, norm scales); by default only weights with 2+ dimensions. */
  includeBias?: boolean;
  ncols?: number;
  /** Size of each panel in px (default 300 × 200). */
  panelWidth?: number;
  panelHeight?: number;
  title?: string;
  fontSize?: number;
}

/** One histogram panel per layer's weight (PyTorch's dotted names), with mean and std: the weight distributions. */
export function plotWeightHistograms(model: nn.Module, options: WeightHistogramsOptions = {}): Figure {
  const params = model.namedParameters().filter(([, p]) => options.includeBias || p.shape.length >= 2);
  if (params.length === 0) throw new Error('plotWeightHistograms: the model has no parameters to show');
  const fs = options.fontSize ?? 11;
  const ncols = Math.max(1, Math.min(options.ncols ?? 3, params.length));
  const nrows = Math.ceil(params.length / ncols);
  const pw = options.panelWidth ?? 300;
  const ph = options.panelHeight ?? 200;
  const head = options.title ? fs * 2.4 : 0;
  const width = ncols * pw;
  const height = Math.ceil(head + nrows * ph);
  const parts: string[] = [];
  if (options.title)
    parts.push(text(width / 2, fs * 1.6, options.title, { size: fs * 1.25, anchor: 'middle', bold: true }));
  params.forEach(([name, p], i) => {
    const values = readValues(p);
    const m = moments(values);
    const { edges, counts } = histogram(values, options.bins ?? 40);
    const box = { x: (i % ncols) * pw, y: head + Math.floor(i / ncols) * ph, width: pw, height: ph };
    const axes = drawAxes({
      box,
      xDomain: [edges[0] as number, edges.at(-1) as number],
      yDomain: niceDomain(0, Math.max(1, ...counts), 4),
      title: `${name} [${p.shape.join(', ')}]`,
      fontSize: fs,
      grid: false,
    });
    parts.push(axes.svg);
    const color = TAB10[i % TAB10.length];
    counts.forEach((c, b) => {
      if (c === 0) return;
      const x0 = axes.sx(edges[b] as number);
      const x1 = axes.sx(edges[b + 1] as number);
      const y = axes.sy(c);
      parts.push(
        tag('rect', {
          x: x0,
          y,
          width: Math.max(0.5, x1 - x0 - 0.5),
          height: axes.sy(0) - y,
          fill: color,
          'clip-path': axes.clip,
        }),
      );
    });
    const stats = `μ=${m.mean.toPrecision(3)}  σ=${m.std.toPrecision(3)}`;
    parts.push(
      text(axes.plot.left + axes.plot.width - 4, axes.plot.top + fs + 2, stats, {
        size: fs * 0.9,
        anchor: 'end',
        fill: '#444',
      }),
    );
  });
  return new Figure(svgDocument(width, height, parts.join(''), options.title ?? 'weight histograms'), width, height);
}
