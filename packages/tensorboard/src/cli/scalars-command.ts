import type { RunData } from '../run-loader.js';
import { CliError, listNames } from './cli-errors.js';
import { formatValue } from './format-value.js';
import { formatTable } from './text-table.js';

/** The scalar tags of some runs, sorted, each once. */
export const scalarTags = (runs: readonly RunData[]): string[] =>
  [...new Set(runs.flatMap((r) => Object.keys(r.scalars)))].sort();

/**
 * `trainkit-tb scalars TAG`: one table per run holding the tag (step, wall time, value). `where` names what was
 * searched, for the error when no run holds the tag: "logdir runs" or "run 'a'".
 */
export function scalarsCommand(runs: readonly RunData[], tag: string, where: string): string {
  const blocks: string[] = [];
  for (const r of runs) {
    const pts = r.scalars[tag];
    if (!pts) continue;
    const rows = [
      ['step', 'wall_time', 'value'],
      ...pts.map((p) => [String(p.step), new Date(p.wallTime * 1000).toISOString(), formatValue(p.value)]),
    ];
    blocks.push(`${r.name}\n${formatTable(rows, ['right', 'left', 'right'])}`);
  }
  if (blocks.length === 0) {
    throw new CliError(`no scalar tag '${tag}' in ${where}; the scalar tags there: ${listNames(scalarTags(runs))}`);
  }
  return blocks.join('\n\n');
}
