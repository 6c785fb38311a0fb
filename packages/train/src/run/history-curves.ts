import { type Figure, linePlot } from '@trainkit/viz';
import { recordMetrics, words } from './epoch-line.js';
import type { EpochRecord } from './training-state.js';

const STYLES = ['-o', 'm--o', 'g-.o', 'r:o', 'c-o', 'y--o'];

/** d2l's training curves from a run's history: every loss and accuracy per epoch, one line each. */
export function historyCurves<M extends string>(
  history: readonly EpochRecord<M>[],
  { title }: { title: string },
): Figure {
  const x = history.map((r) => r.epoch);
  const names = history[0] ? recordMetrics(history[0]).map(([name]) => name) : [];
  return linePlot(
    names.map((name, i) => ({
      name: words(name).replace(/accuracy$/, 'acc'),
      x,
      y: history.map((r) => (r as Record<string, number>)[name] ?? Number.NaN),
      fmt: STYLES[i % STYLES.length]!,
    })),
    { xlabel: 'epoch', title, xlim: [Math.min(1, ...x), Math.max(2, ...x)] },
  );
}
