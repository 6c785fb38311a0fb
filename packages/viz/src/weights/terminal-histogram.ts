import { nn, tf } from '@trainkit/core';
import { formatBar } from '../progress/format-meter.js';
import { histogram, moments, readValues, type ValuesLike } from './histogram.js';

export interface TerminalHistogramOptions {
  /** Number of bins (default 20). */
  bins?: number;
  /** Length of the longest bar in cells (default 40). */
  width?: number;
  range?: [number, number];
  /** First line; by default the shape and summary statistics. */
  title?: string;
}

const fmt = (v: number) => {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3
    ? v.toExponential(2)
    : v
        .toPrecision(4)
        .replace(/(\.\d*?)0+$/, '$1')
        .replace(/\.$/, '');
};

/**
 * A horizontal histogram in unicode block characters (eighths of a cell), one line per bin, for printing weight
 * distributions in a terminal or a log:
 * ```
 * [32, 3, 5, 5]  n=2400  mean=-0.00118  std=0.0666  min=-0.115  max=0.115
 *   -0.1153 ┤██████████████████████▊                  287
 * ```
 */
export function terminalHistogram(values: ValuesLike, options: TerminalHistogramOptions = {}): string {
  const data = readValues(values);
  const bins = options.bins ?? 20;
  const width = options.width ?? 40;
  const { edges, counts } = histogram(data, bins, options.range);
  const m = moments(data);
  const shape =
    values instanceof nn.Parameter ? values.shape : values instanceof tf.Tensor ? values.shape : [data.length];
  const title =
    options.title ??
    `[${shape.join(', ')}]  n=${m.count}  mean=${fmt(m.mean)}  std=${fmt(m.std)}  min=${fmt(m.min)}  max=${fmt(m.max)}`;
  const maxCount = Math.max(1, ...counts);
  const labels = edges.slice(0, -1).map(fmt);
  const labelW = Math.max(...labels.map((l) => l.length));
  const countW = String(maxCount).length;
  const lines = counts.map((c, i) => {
    const bar = formatBar(c / maxCount, width);
    return `  ${(labels[i] ?? '').padStart(labelW)} ┤${bar} ${String(c).padStart(countW)}`;
  });
  lines.push(`  ${fmt(edges.at(-1) as number).padStart(labelW)} ┘`);
  return [title, ...lines].join('\n');
}
