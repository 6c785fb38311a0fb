#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadLogdir, loadRun, type RunData, type ScalarPoint } from './run-loader.js';

const USAGE = `trainkit-tb: look at TensorBoard logs without a browser

  trainkit-tb ls [LOGDIR]                       runs, their tags and counts (LOGDIR defaults to ./runs)
  trainkit-tb scalars TAG [LOGDIR] [--run RUN]  step, wall time and value of a scalar tag, per run
  trainkit-tb export --csv [LOGDIR] [--out F]   every scalar as CSV: run,tag,step,wall_time,value
  trainkit-tb compare RUN_DIR... --tag T        one column per run, one row per step, then last/min/max
`;

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function warnIssues(runs: RunData[]): void {
  for (const r of runs) for (const i of r.issues) process.stderr.write(`warning: ${i.message}\n`);
}

function ls(runs: RunData[]): string {
  const out: string[] = [];
  for (const r of runs) {
    out.push(`${r.name}  (${r.files.length} event file${r.files.length === 1 ? '' : 's'})`);
    const kinds: [string, Record<string, { step: number }[]>][] = [
      ['scalars', r.scalars],
      ['images', r.images],
      ['histograms', r.histograms],
      ['texts', r.texts],
      ['pr_curves', r.prCurves],
    ];
    for (const [kind, map] of kinds) {
      for (const [tag, list] of Object.entries(map)) {
        const last = list.at(-1);
        out.push(
          `  ${kind.padEnd(10)} ${tag}  ${list.length} point${list.length === 1 ? '' : 's'}${last ? `, last step ${last.step}` : ''}`,
        );
      }
    }
    if (r.graph) out.push(`  graph      ${r.graph.node.length} nodes`);
    if (r.hparams) {
      const hp = Object.entries(r.hparams.values).map(([k, v]) => `${k}=${v}`);
      out.push(
        `  hparams    ${hp.join(' ')}${r.hparams.metricTags.length ? `  metrics: ${r.hparams.metricTags.join(', ')}` : ''}`,
      );
    }
  }
  return out.join('\n');
}

function scalars(runs: RunData[], tag: string, only?: string): string {
  const blocks: string[] = [];
  for (const r of runs) {
    if (only !== undefined && r.name !== only) continue;
    const pts = r.scalars[tag];
    if (!pts) continue;
    const rows = [
      ['step', 'wall_time', 'value'],
      ...pts.map((p) => [String(p.step), new Date(p.wallTime * 1000).toISOString(), fmt(p.value)]),
    ];
    blocks.push(`${r.name}\n${table(rows)}`);
  }
  if (blocks.length === 0) throw new Error(`no run has a scalar tag '${tag}'`);
  return blocks.join('\n\n');
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function exportCsv(runs: RunData[]): string {
  const lines = ['run,tag,step,wall_time,value'];
  for (const r of runs) {
    for (const [tag, pts] of Object.entries(r.scalars)) {
      for (const p of pts) lines.push([csvCell(r.name), csvCell(tag), p.step, p.wallTime, p.value].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

function compare(runs: RunData[], tag: string): string {
  const series = runs.map((r) => new Map((r.scalars[tag] ?? []).map((p: ScalarPoint) => [p.step, p.value])));
  const missing = runs.filter((_, i) => series[i]!.size === 0).map((r) => r.name);
  if (missing.length === runs.length) throw new Error(`no run has a scalar tag '${tag}'`);
  const steps = [...new Set(series.flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
  const rows = [['step', ...runs.map((r) => r.name)]];
  for (const step of steps) rows.push([String(step), ...series.map((s) => (s.has(step) ? fmt(s.get(step)!) : '-'))]);
  const stat = (name: string, f: (v: number[]) => number) => [
    name,
    ...series.map((s) => (s.size ? fmt(f([...s.values()])) : '-')),
  ];
  rows.push(
    stat('last', (v) => v.at(-1)!),
    stat('min', (v) => Math.min(...v)),
    stat('max', (v) => Math.max(...v)),
  );
  return table(rows) + (missing.length ? `\n(no '${tag}' in: ${missing.join(', ')})` : '');
}

export async function main(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      run: { type: 'string' },
      tag: { type: 'string' },
      csv: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, ...rest] = positionals;
  if (values.help || !cmd) return USAGE;
  if (cmd === 'ls') {
    const runs = await loadLogdir(rest[0] ?? 'runs');
    warnIssues(runs);
    return ls(runs);
  }
  if (cmd === 'scalars') {
    if (!rest[0]) throw new Error('scalars needs a TAG');
    const runs = await loadLogdir(rest[1] ?? 'runs');
    warnIssues(runs);
    return scalars(runs, rest[0], values.run);
  }
  if (cmd === 'export') {
    if (!values.csv) throw new Error('export needs --csv (the only format)');
    const runs = await loadLogdir(rest[0] ?? 'runs');
    warnIssues(runs);
    const csv = exportCsv(runs);
    if (values.out) {
      writeFileSync(values.out, csv);
      return `wrote ${values.out}`;
    }
    return csv.trimEnd();
  }
  if (cmd === 'compare') {
    if (!values.tag) throw new Error('compare needs --tag T');
    if (rest.length === 0) throw new Error('compare needs at least one run directory');
    const runs = await Promise.all(rest.map((dir) => loadRun(dir, dir)));
    warnIssues(runs);
    return compare(runs, values.tag);
  }
  throw new Error(`unknown command '${cmd}'\n\n${USAGE}`);
}

const invokedDirectly =
  process.argv[1] !== undefined && /(?:^|[\\/])(?:cli\.(?:c?js|ts)|trainkit-tb)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (out) => process.stdout.write(`${out}\n`),
    (err: Error) => {
      process.stderr.write(`trainkit-tb: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
