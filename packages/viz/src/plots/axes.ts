import { textWidth } from './font.js';
import { tag, text } from './svg.js';
import { formatPowerOfTen, formatTick, niceTicks, tickStep } from './ticks.js';

export type AxisScale = 'linear' | 'log';

export interface AxesOptions {
  /** The box the axes and their labels may take, in px. */
  box: { x: number; y: number; width: number; height: number };
  xDomain: [number, number];
  yDomain: [number, number];
  xscale?: AxisScale;
  yscale?: AxisScale;
  xlabel?: string;
  ylabel?: string;
  title?: string;
  grid?: boolean;
  fontSize?: number;
  /** Labels at integer positions instead of numeric ticks (bar charts, histograms of classes). */
  xCategories?: string[];
}

export interface Axes {
  /** Frame, grid, ticks and labels (draw the data after it). */
  svg: string;
  /** clip-path attribute value that keeps data inside the plot area. */
  clip: string;
  sx: (v: number) => number;
  sy: (v: number) => number;
  plot: { left: number; top: number; width: number; height: number };
}

let clipCounter = 0;

function logTicks(lo: number, hi: number): { values: number[]; labels: string[] } {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const values: number[] = [];
  const labels: string[] = [];
  for (let k = a; k <= b; k++) {
    const v = 10 ** k;
    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
      values.push(v);
      labels.push(formatPowerOfTen(k));
    }
  }
  if (values.length < 2) {
    // less than a decade: plain numbers at round positions
    const t = niceTicks(lo, hi, 4).filter((v) => v > 0);
    return { values: t, labels: t.map((v) => formatTick(v, tickStep(lo, hi, 4))) };
  }
  return { values, labels };
}

function ticksFor(domain: [number, number], scale: AxisScale, count: number): { values: number[]; labels: string[] } {
  const [lo, hi] = domain;
  if (scale === 'log') return logTicks(lo, hi);
  const values = niceTicks(lo, hi, count);
  const step = tickStep(lo, hi, count);
  return { values, labels: values.map((v) => formatTick(v, step)) };
}

function scaleFn(domain: [number, number], scale: AxisScale, from: number, to: number): (v: number) => number {
  const f = scale === 'log' ? (v: number) => Math.log10(Math.max(v, Number.MIN_VALUE)) : (v: number) => v;
  const a = f(domain[0]);
  const b = f(domain[1]);
  const span = b - a || 1;
  return (v: number) => from + ((f(v) - a) / span) * (to - from);
}

/** Lays out a matplotlib-like axes box (frame, outward ticks, light grid, labels, title) and returns its scales. */
export function drawAxes(o: AxesOptions): Axes {
  const fs = o.fontSize ?? 12;
  const xscale = o.xscale ?? 'linear';
  const yscale = o.yscale ?? 'linear';
  const yt = ticksFor(o.yDomain, yscale, 6);
  const xt = o.xCategories
    ? { values: o.xCategories.map((_, i) => i), labels: o.xCategories }
    : ticksFor(o.xDomain, xscale, Math.max(3, Math.round(o.box.width / 90)));
  const yLabelW = Math.max(0, ...yt.labels.map((l) => textWidth(l, fs)));
  const left = o.box.x + (o.ylabel ? fs * 1.6 : 0) + yLabelW + 10;
  const top = o.box.y + (o.title ? fs * 1.9 : fs);
  const right = o.box.x + o.box.width - 12;
  const bottom = o.box.y + o.box.height - (o.xlabel ? fs * 1.7 : 0) - fs - 10;
  const plot = { left, top, width: Math.max(10, right - left), height: Math.max(10, bottom - top) };
  const sx = scaleFn(o.xDomain, xscale, plot.left, plot.left + plot.width);
  const sy = scaleFn(o.yDomain, yscale, plot.top + plot.height, plot.top);
  const parts: string[] = [];
  const clipId = `clip${clipCounter++}`;
  parts.push(
    tag('clipPath', { id: clipId }, tag('rect', { x: plot.left, y: plot.top, width: plot.width, height: plot.height })),
  );
  const inside = (p: number, a: number, b: number) => p >= Math.min(a, b) - 0.5 && p <= Math.max(a, b) + 0.5;
  yt.values.forEach((v, i) => {
    const y = sy(v);
    if (!inside(y, plot.top, plot.top + plot.height)) return;
    if (o.grid !== false)
      parts.push(tag('line', { x1: plot.left, x2: plot.left + plot.width, y1: y, y2: y, stroke: '#e5e5e5' }));
    parts.push(tag('line', { x1: plot.left - 4, x2: plot.left, y1: y, y2: y, stroke: '#333' }));
    parts.push(text(plot.left - 7, y, yt.labels[i] ?? '', { size: fs, anchor: 'end', baseline: 'central' }));
  });
  xt.values.forEach((v, i) => {
    const x = sx(v);
    if (!inside(x, plot.left, plot.left + plot.width)) return;
    if (o.grid !== false && !o.xCategories) {
      parts.push(tag('line', { x1: x, x2: x, y1: plot.top, y2: plot.top + plot.height, stroke: '#e5e5e5' }));
    }
    const yb = plot.top + plot.height;
    parts.push(tag('line', { x1: x, x2: x, y1: yb, y2: yb + 4, stroke: '#333' }));
    parts.push(text(x, yb + 6 + fs * 0.8, xt.labels[i] ?? '', { size: fs, anchor: 'middle' }));
  });
  parts.push(
    tag('rect', { x: plot.left, y: plot.top, width: plot.width, height: plot.height, fill: 'none', stroke: '#333' }),
  );
  if (o.xlabel) {
    parts.push(
      text(plot.left + plot.width / 2, o.box.y + o.box.height - fs * 0.45, o.xlabel, {
        size: fs * 1.05,
        anchor: 'middle',
      }),
    );
  }
  if (o.ylabel) {
    const x = o.box.x + fs * 0.95;
    const y = plot.top + plot.height / 2;
    parts.push(text(x, y, o.ylabel, { size: fs * 1.05, anchor: 'middle', rotate: -90 }));
  }
  if (o.title)
    parts.push(
      text(plot.left + plot.width / 2, o.box.y + fs * 1.3, o.title, { size: fs * 1.15, anchor: 'middle', bold: true }),
    );
  return { svg: parts.join(''), clip: `url(#${clipId})`, sx, sy, plot };
}
