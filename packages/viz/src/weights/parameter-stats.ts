import type { nn } from '@trainkit/core';
import { moments, readValues } from './histogram.js';

export interface ParameterStatsRow {
  name: string;
  shape: number[];
  numel: number;
  mean: number;
  /** Sample standard deviation (N − 1), as torch.std. */
  std: number;
  min: number;
  max: number;
  /** Share of exact zeros, in percent. */
  zerosPercent: number;
  /** L2 norm of the accumulated gradient, or null when the parameter has none (before backward, after zeroGrad). */
  gradNorm: number | null;
  requiresGrad: boolean;
}

const COLUMNS = ['Name', 'Shape', 'Numel', 'Mean', 'Std', 'Min', 'Max', 'Zeros %', 'Grad norm', 'Trainable'] as const;

function num(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toFixed(4);
}

/** Per-parameter statistics of a model (see parameterStats); toString() is an aligned table. */
export class ParameterStats {
  constructor(readonly rows: ParameterStatsRow[]) {}

  toString(): string {
    const cells = this.rows.map((r) => [
      r.name,
      `[${r.shape.join(', ')}]`,
      r.numel.toLocaleString('en-US'),
      num(r.mean),
      num(r.std),
      num(r.min),
      num(r.max),
      `${r.zerosPercent.toFixed(2)}%`,
      r.gradNorm === null ? '--' : num(r.gradNorm),
      r.requiresGrad ? 'True' : 'False',
    ]);
    const widths = COLUMNS.map((h, c) => Math.max(h.length, ...cells.map((row) => (row[c] ?? '').length)));
    // names and shapes read left to right, numbers line up on the right
    const line = (row: readonly string[]) =>
      row
        .map((s, c) => (c <= 1 || c === 9 ? s.padEnd(widths[c] ?? 0) : s.padStart(widths[c] ?? 0)))
        .join('  ')
        .trimEnd();
    const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
    return [line(COLUMNS), rule, ...cells.map(line)].join('\n');
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  toJSON(): ParameterStatsRow[] {
    return this.rows;
  }
}

/**
 * Shape, mean, std, min, max and share of zeros of every parameter (PyTorch's dotted names), and the gradient's
 * L2 norm where one is present: a quick check for dead layers, exploding weights or vanishing gradients.
 */
export function parameterStats(model: nn.Module): ParameterStats {
  const rows = model.namedParameters().map(([name, p]): ParameterStatsRow => {
    const m = moments(readValues(p));
    let gradNorm: number | null = null;
    if (p.grad) {
      let ss = 0;
      for (const g of readValues(p.grad)) ss += g * g;
      gradNorm = Math.sqrt(ss);
    }
    return {
      name,
      shape: p.shape.slice(),
      numel: m.count,
      mean: m.mean,
      std: m.std,
      min: m.min,
      max: m.max,
      zerosPercent: m.count ? (100 * m.zeros) / m.count : 0,
      gradNorm,
      requiresGrad: p.requiresGrad,
    };
  });
  return new ParameterStats(rows);
}
