import type { RunData } from '../run-loader.js';

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** `trainkit-tb export --csv`: every scalar of every run, one line each: run,tag,step,wall_time,value. */
export function exportCsv(runs: readonly RunData[]): string {
  const lines = ['run,tag,step,wall_time,value'];
  for (const r of runs) {
    for (const [tag, pts] of Object.entries(r.scalars)) {
      for (const p of pts) lines.push([csvCell(r.name), csvCell(tag), p.step, p.wallTime, p.value].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
