import { type AxisScale, drawAxes } from './axes.js';
import { LETTER_COLORS, TAB10 } from './colors.js';
import { Figure } from './figure.js';
import { textWidth } from './font.js';
import { svgDocument, tag, text } from './svg.js';
import { niceDomain } from './ticks.js';

export interface LineSeries {
  name?: string;
  x: readonly number[];
  /** NaN or null leaves a gap. */
  y: readonly (number | null)[];
  /** matplotlib-style format: colour letter and line style, e.g. 'm--', 'g-.', 'r:', '-'. */
  fmt?: string;
  color?: string;
}

export type LegendLocation = 'best' | 'upper right' | 'upper left' | 'lower right' | 'lower left';

export interface LinePlotOptions {
  xlabel?: string;
  ylabel?: string;
  title?: string;
  xlim?: [number, number];
  ylim?: [number, number];
  xscale?: AxisScale;
  yscale?: AxisScale;
  legendLocation?: LegendLocation;
  /** SVG size in px (default 560 × 380). */
  width?: number;
  height?: number;
  fontSize?: number;
}

const DASHES: Record<string, string | undefined> = { '-': undefined, '--': '6 4', '-.': '7 3 2 3', ':': '2 3' };

/** Colour and dash pattern from a matplotlib format string ('m--'); colour defaults to the series' C{i}. */
export function parseFmt(
  fmt: string | undefined,
  index: number,
): { color: string; dash: string | undefined; marker: boolean } {
  const f = fmt ?? '-';
  const letter = [...f].find((c) => c in LETTER_COLORS);
  const style = f.replace(/[bgrcmykw]/g, '');
  const lineStyle = ['--', '-.', '-', ':'].find((s) => style.includes(s));
  const marker = /[o.sx^*+]/.test(style.replace(/-\.|--|-|:/g, ''));
  return {
    color: letter ? (LETTER_COLORS[letter] as string) : (TAB10[index % TAB10.length] as string),
    dash: lineStyle ? DASHES[lineStyle] : undefined,
    marker: marker || (!lineStyle && style.length > 0),
  };
}

function extent(values: Iterable<number>, log: boolean): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : log ? [1, 10] : [0, 1];
}

function domain(values: number[], scale: AxisScale, lim: [number, number] | undefined, pad: boolean): [number, number] {
  if (lim) return lim;
  const [lo, hi] = extent(values, scale === 'log');
  if (scale === 'log') return lo === hi ? [lo / 2, hi * 2] : [lo, hi];
  return pad ? niceDomain(lo, hi) : lo === hi ? niceDomain(lo, hi) : [lo, hi];
}

/** Line chart of several series with a legend, like d2l.plot / matplotlib's plot. */
export function linePlot(series: readonly LineSeries[], options: LinePlotOptions = {}): Figure {
  const width = options.width ?? 560;
  const height = options.height ?? 380;
  const fs = options.fontSize ?? 12;
  const xscale = options.xscale ?? 'linear';
  const yscale = options.yscale ?? 'linear';
  const xs = series.flatMap((s) => [...s.x]);
  const ys = series.flatMap((s) => s.y.filter((v): v is number => v !== null));
  const axes = drawAxes({
    box: { x: 0, y: 0, width, height },
    xDomain: domain(xs, xscale, options.xlim, false),
    yDomain: domain(ys, yscale, options.ylim, true),
    xscale,
    yscale,
    xlabel: options.xlabel,
    ylabel: options.ylabel,
    title: options.title,
    fontSize: fs,
  });
  const parts = [axes.svg];
  const styles = series.map((s, i) => {
    const p = parseFmt(s.fmt, i);
    return { ...p, color: s.color ?? p.color };
  });
  series.forEach((s, i) => {
    const st = styles[i] as (typeof styles)[number];
    const segments: string[][] = [[]];
    const n = Math.min(s.x.length, s.y.length);
    for (let k = 0; k < n; k++) {
      const y = s.y[k];
      const x = s.x[k] as number;
      const bad =
        y === null || y === undefined || !Number.isFinite(y) || !Number.isFinite(x) || (yscale === 'log' && y <= 0);
      if (bad) {
        segments.push([]);
        continue;
      }
      (segments.at(-1) as string[]).push(`${axes.sx(x).toFixed(2)},${axes.sy(y).toFixed(2)}`);
    }
    for (const seg of segments) {
      if (seg.length === 0) continue;
      if (seg.length === 1 || st.marker) {
        for (const pt of seg) {
          const [cx, cy] = pt.split(',').map(Number);
          parts.push(tag('circle', { cx, cy, r: 2.5, fill: st.color, 'clip-path': axes.clip }));
        }
      }
      if (seg.length > 1) {
        parts.push(
          tag('polyline', {
            points: seg.join(' '),
            fill: 'none',
            stroke: st.color,
            'stroke-width': 1.8,
            'stroke-dasharray': st.dash,
            'stroke-linejoin': 'round',
            'clip-path': axes.clip,
          }),
        );
      }
    }
  });
  const named = series.map((s, i) => ({ name: s.name, style: styles[i] })).filter((e) => e.name);
  if (named.length > 0)
    parts.push(legend(named as { name: string; style: (typeof styles)[number] }[], axes, series, options, fs));
  return new Figure(
    svgDocument(width, height, parts.join(''), options.title ?? options.ylabel ?? 'line plot'),
    width,
    height,
  );
}

function legend(
  entries: { name: string; style: { color: string; dash: string | undefined } }[],
  axes: ReturnType<typeof drawAxes>,
  series: readonly LineSeries[],
  options: LinePlotOptions,
  fs: number,
): string {
  const lineH = fs * 1.45;
  const w = 36 + Math.max(...entries.map((e) => textWidth(e.name, fs)));
  const h = entries.length * lineH + 8;
  const { plot } = axes;
  const corners: Record<Exclude<LegendLocation, 'best'>, [number, number]> = {
    'upper right': [plot.left + plot.width - w - 8, plot.top + 8],
    'upper left': [plot.left + 8, plot.top + 8],
    'lower right': [plot.left + plot.width - w - 8, plot.top + plot.height - h - 8],
    'lower left': [plot.left + 8, plot.top + plot.height - h - 8],
  };
  let loc = options.legendLocation ?? 'best';
  if (loc === 'best') {
    // the corner that covers the fewest data points, as matplotlib's 'best' does
    let bestCount = Number.POSITIVE_INFINITY;
    for (const [name, [x0, y0]] of Object.entries(corners) as [Exclude<LegendLocation, 'best'>, [number, number]][]) {
      let count = 0;
      for (const s of series) {
        s.x.forEach((x, k) => {
          const y = s.y[k];
          if (y === null || y === undefined || !Number.isFinite(y)) return;
          const px = axes.sx(x);
          const py = axes.sy(y);
          if (px >= x0 - 4 && px <= x0 + w + 4 && py >= y0 - 4 && py <= y0 + h + 4) count++;
        });
      }
      if (count < bestCount) {
        bestCount = count;
        loc = name;
      }
    }
  }
  const [x0, y0] = corners[loc as Exclude<LegendLocation, 'best'>];
  const parts = [
    tag('rect', { x: x0, y: y0, width: w, height: h, rx: 3, fill: 'white', 'fill-opacity': 0.85, stroke: '#ccc' }),
  ];
  entries.forEach((e, i) => {
    const cy = y0 + 4 + lineH * (i + 0.5);
    parts.push(
      tag('line', {
        x1: x0 + 6,
        x2: x0 + 28,
        y1: cy,
        y2: cy,
        stroke: e.style.color,
        'stroke-width': 2,
        'stroke-dasharray': e.style.dash,
      }),
    );
    parts.push(text(x0 + 33, cy, e.name, { size: fs, baseline: 'central' }));
  });
  return parts.join('');
}
