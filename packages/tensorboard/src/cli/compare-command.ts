import { basename, dirname, relative, resolve, sep } from 'node:path';
import type { RunData } from '../run-loader.js';
import { isS3Url } from '../storage/s3-url.js';
import { CliError, listNames } from './cli-errors.js';
import { formatValue } from './format-value.js';
import { scalarTags } from './scalars-command.js';
import { formatTable } from './text-table.js';

const isWithin = (path: string, base: string): boolean =>
  path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);

/**
 * Short names for run directories, as `ls` would name them: relative to the directory that holds them all (their
 * logdir), e.g. runs/exp1/a and runs/exp2/a → exp1/a and exp2/a; one run alone is its directory's name.
 */
export function shortRunNames(dirs: readonly string[]): string[] {
  // an s3:// URL as a path of its own root, so that runs under one prefix are named relative to it
  const abs = dirs.map((d) => (isS3Url(d) ? `/s3:/${d.slice('s3://'.length).replace(/\/+$/, '')}` : resolve(d)));
  let base = dirname(abs[0] ?? '.');
  for (const d of abs) while (!isWithin(dirname(d), base)) base = dirname(base);
  return abs.map((d) => relative(base, d).split(sep).join('/') || basename(d) || d);
}

/** `trainkit-tb compare RUN_DIR... --tag T`: one column per run, one row per step, then last/min/max. */
export function compareCommand(runs: readonly RunData[], tag: string): string {
  const series = runs.map((r) => new Map((r.scalars[tag] ?? []).map((p) => [p.step, p.value])));
  const missing = runs.filter((_, i) => series[i]!.size === 0).map((r) => r.name);
  if (missing.length === runs.length) {
    throw new CliError(
      `no scalar tag '${tag}' in ${runs.length === 1 ? 'that run' : `any of those ${runs.length} runs`}; their scalar tags: ${listNames(scalarTags(runs))}`,
    );
  }
  const steps = [...new Set(series.flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
  const rows = [['step', ...runs.map((r) => r.name)]];
  for (const step of steps) {
    rows.push([String(step), ...series.map((s) => (s.has(step) ? formatValue(s.get(step)!) : '-'))]);
  }
  const stat = (name: string, f: (v: number[]) => number) => [
    name,
    ...series.map((s) => (s.size ? formatValue(f([...s.values()])) : '-')),
  ];
  rows.push(
    stat('last', (v) => v.at(-1)!),
    stat('min', (v) => Math.min(...v)),
    stat('max', (v) => Math.max(...v)),
  );
  const table = formatTable(
    rows,
    rows[0]!.map((_, c) => (c === 0 ? 'left' : 'right')),
  );
  return table + (missing.length ? `\n(no '${tag}' in: ${missing.join(', ')})` : '');
}
