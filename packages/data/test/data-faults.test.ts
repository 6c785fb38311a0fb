// The bad-dataset-file campaign (issue 18, item 3): every hostile or damaged input in faults/data-cases.ts must be
// refused with a DataFileError naming the file (and the byte offset where one applies), within 10 s, without
// crashing the process and without writing outside the one directory the call may write to. The cases run in child
// processes (faults/data-fault-child.ts, tools/testing/case-runner.ts) so a hang or a crash is seen, not suffered.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseOutcome, runCases } from '../../../tools/testing/case-runner.js';
import { expectReliabilityFigure } from '../../../tools/testing/reliability-table.js';
import { DATA_CASES } from './faults/data-cases.js';
import type { DataCaseResult } from './faults/data-fault-child.js';
import { tempDir } from './helpers/tmp.js';

const CASE_TIMEOUT_MS = 10_000;
let tmp: ReturnType<typeof tempDir>;
let outcomes: Map<string, CaseOutcome<DataCaseResult>>;

beforeAll(async () => {
  tmp = tempDir('trainkit-faults-');
  outcomes = await runCases<DataCaseResult>({
    script: fileURLToPath(new URL('./faults/data-fault-child.ts', import.meta.url)),
    ids: DATA_CASES.map((c) => c.id),
    caseTimeoutMs: CASE_TIMEOUT_MS,
    env: { TRAINKIT_FAULTS_DIR: tmp.dir },
    parallel: 2,
  });
}, 180_000);

/** Why a case's outcome is not a clear refusal, or undefined when it is one. */
function fault(index: number): string | undefined {
  const c = DATA_CASES[index]!;
  const o = outcomes.get(c.id);
  if (!o) return 'not run';
  if (o.status !== 'done') return `${o.status} (${o.exit ?? ''}) after ${o.ms} ms; stderr: ${o.stderr.slice(0, 400)}`;
  const r = o.result!;
  if (r.changed.length > 0) return `wrote outside ${c.writes ?? 'nothing'}: ${r.changed.join(', ')}`;
  if (r.outcome !== 'error') return 'accepted silently';
  const want = c.error ?? 'DataFileError';
  if (r.name !== want) return `${r.name} instead of ${want}: ${r.message}\n${r.stack}`;
  const file = join(tmp.dir, `case-${index}`, c.names);
  if (!r.message?.includes(file)) return `the message does not name ${file}: ${r.message}`;
  if (c.offset !== undefined && (r.offset !== c.offset || !r.message.includes(String(c.offset)))) {
    return `offset ${r.offset} instead of ${c.offset}: ${r.message}`;
  }
  if (/\n\s+at /.test(o.stderr)) return `a stack trace on stderr: ${o.stderr.slice(0, 400)}`;
  return undefined;
}

afterAll(() => {
  if (!outcomes) return;
  const rows = new Map<
    string,
    { tried: number; refused: number; hang: number; crash: number; outside: number; accepted: number }
  >();
  for (const [i, c] of DATA_CASES.entries()) {
    const row = rows.get(c.category) ?? { tried: 0, refused: 0, hang: 0, crash: 0, outside: 0, accepted: 0 };
    row.tried++;
    if (fault(i) === undefined) row.refused++;
    const status = outcomes.get(c.id)?.status;
    if (status === 'hang') row.hang++;
    if (status === 'crash') row.crash++;
    const result = outcomes.get(c.id)?.result;
    if (result && result.changed.length > 0) row.outside++;
    if (result?.outcome === 'accepted') row.accepted++;
    rows.set(c.category, row);
  }
  const backend = [...outcomes.values()].find((o) => o.result)?.result?.backend ?? '?';
  const totals = [...rows.values()].reduce((a, r) => ({
    tried: a.tried + r.tried,
    refused: a.refused + r.refused,
    hang: a.hang + r.hang,
    crash: a.crash + r.crash,
    outside: a.outside + r.outside,
    accepted: a.accepted + r.accepted,
  }));
  const summary = { backend, categories: Object.fromEntries(rows), totals };
  // the figures for the README's reliability table
  mkdirSync('.vitest', { recursive: true });
  writeFileSync('.vitest/data-faults.json', `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `bad dataset files (${backend}): ${totals.refused}/${totals.tried} clearly refused, ${totals.hang} hangs, ${totals.crash} crashes, ${totals.accepted} accepted silently, ${totals.outside} wrote outside\n` +
      [...rows].map(([k, r]) => `  ${k}: ${r.refused}/${r.tried}`).join('\n'),
  );
  rmSync(tmp.dir, { recursive: true, force: true });
  if (totals.hang + totals.crash + totals.outside + totals.accepted === 0) {
    expectReliabilityFigure('Dataset files', `${totals.refused}/${totals.tried}`);
  }
});

describe('bad dataset files are refused clearly, without a hang, a crash or a write outside the target', () => {
  it.each(DATA_CASES.map((c, i) => [c.id, i] as const))('%s', (_id, i) => {
    expect(fault(i)).toBeUndefined();
  });
});
