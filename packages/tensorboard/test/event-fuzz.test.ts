// Event-file fuzzing (issue 18, item 5): 200 damaged copies of a real event file (scalars, histograms, an image,
// text, hparams, written by SummaryWriter) go through the reader in-process and through every trainkit-tb command:
// no uncaught exception, no stack trace, only the documented exit codes, no command over 10 s, and a damaged
// record never hides the whole records before it (as TensorBoard reads a torn file).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseOutcome, runCases } from '../../../tools/testing/case-runner.js';
import { expectReliabilityFigure } from '../../../tools/testing/reliability-table.js';
import { parseEventFile, readRecords, SummaryWriter } from '../src/index.js';
import { type CliRun, commandsFor } from './fuzz/commands.js';
import { MUTATION_KINDS, type Mutant, mutants, wholeRecordsBefore } from './fuzz/mutate-event-file.js';

const COUNT = 200;
const SEED = 18;
const TIMEOUT_MS = 10_000;
/** mutants that also go through real `trainkit-tb` processes: every 25th, so each kind is among them */
const REAL_PROCESS_EVERY = 25;
const root = mkdtempSync(join(tmpdir(), 'tk-fuzz-'));
const logdir = join(root, 'fuzz');
let original: Uint8Array;
let copies: Mutant[];
let cli: Map<string, CaseOutcome<CliRun[]>>;

const clean = (r: { code: number | null; stderr: string }) =>
  (r.code === 0 || r.code === 1) &&
  !/\n\s+at |Error: .*\n\s+at /.test(r.stderr) &&
  !r.stderr.includes('trainkit-tb: TypeError');

beforeAll(async () => {
  const w = new SummaryWriter(join(root, 'src'));
  for (let step = 0; step < 20; step++) w.addScalar('loss', 1 / (step + 1), step);
  for (let step = 0; step < 3; step++)
    w.addHistogram(
      'weights',
      Array.from({ length: 100 }, (_, i) => Math.sin(i + step)),
      step,
    );
  w.addImage('sample', { data: Uint8Array.from({ length: 3 * 8 * 8 }, (_, i) => i % 256), shape: [3, 8, 8] }, 0);
  w.addText('note', 'a **markdown** note', 0);
  w.addHparams({ lr: 0.1, optimizer: 'adam', layers: 3 }, { 'hparam/accuracy': 0.9 });
  await w.close();
  original = readFileSync(w.eventFile);
  copies = mutants(original, COUNT, SEED);
  for (const m of copies) {
    const dir = join(logdir, `m${String(m.index).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `events.out.tfevents.1700000000.fuzz.${m.index}.0`), m.bytes);
  }
  cli = await runCases<CliRun[]>({
    script: fileURLToPath(new URL('./fuzz/cli-fuzz-child.ts', import.meta.url)),
    ids: [...copies.map((m) => `m${String(m.index).padStart(3, '0')}`), 'all'],
    caseTimeoutMs: TIMEOUT_MS,
    env: { TRAINKIT_FUZZ_LOGDIR: logdir },
    parallel: 2,
  });
}, 120_000);

afterAll(() => {
  if (cli) {
    const clean_ = copies.filter((m) => {
      const o = cli.get(`m${String(m.index).padStart(3, '0')}`);
      return o?.status === 'done' && o.result!.every(clean);
    }).length;
    const hangs = [...cli.values()].filter((o) => o.status === 'hang').length;
    console.log(
      `event-file fuzzing: ${COUNT} mutants (${MUTATION_KINDS.length} kinds, seed ${SEED}); ${clean_}/${COUNT} through ` +
        `every trainkit-tb command (${commandsFor('x').length} command lines each) without an uncaught exception or a ` +
        `hang (${hangs} hangs); ${COUNT / REAL_PROCESS_EVERY} of them also as real trainkit-tb processes`,
    );
    if (hangs === 0) expectReliabilityFigure('Fuzzed event files', `${clean_}/${COUNT}`);
  }
  rmSync(root, { recursive: true, force: true });
});

describe('event-file fuzzing', () => {
  it('the original has the records every kind of summary makes', () => {
    const { events, issue } = parseEventFile(original);
    expect(issue).toBeUndefined();
    const tags = new Set(events.flatMap((e) => e.summary?.value?.map((v) => v.tag) ?? []));
    for (const t of [
      'loss',
      'weights',
      'sample',
      'note/text_summary',
      '_hparams_/experiment',
      '_hparams_/session_start_info',
    ]) {
      expect([...tags]).toContain(t);
    }
  });

  it('parseEventFile returns, never throws, and keeps every whole record before the damage', () => {
    const bad: string[] = [];
    const { records, offsets } = readRecords(original);
    const recordEnds = new Set(offsets.map((o, i) => o + 16 + records[i]!.length));
    for (const m of copies) {
      try {
        const t0 = performance.now();
        const { events, issue } = parseEventFile(m.bytes, `m${m.index}`);
        const ms = performance.now() - t0;
        const kept = wholeRecordsBefore(original, m.firstChange);
        if (events.length < kept)
          bad.push(`#${m.index} ${m.kind}: ${events.length} events, ${kept} whole before the damage`);
        // a cut inside a record is reported as a truncation (TensorBoard's reader waits there for more bytes)
        const atBoundary = m.cutAt === 0 || recordEnds.has(m.cutAt!);
        if (m.kind === 'truncation' && !atBoundary && issue?.kind !== 'truncated') {
          bad.push(`#${m.index}: cut at ${m.cutAt} inside a record, issue ${issue?.kind}`);
        }
        if (m.kind === 'truncation' && events.length !== kept) {
          bad.push(`#${m.index} truncated at ${m.cutAt}: ${events.length} events, expected the ${kept} whole records`);
        }
        if (ms > TIMEOUT_MS) bad.push(`#${m.index}: ${ms} ms`);
      } catch (err) {
        bad.push(`#${m.index} ${m.kind}: threw ${(err as Error).stack}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it.each(MUTATION_KINDS)(
    'every trainkit-tb command handles "%s" (exit 0 or 1, no stack trace, under 10 s)',
    (kind) => {
      const bad: string[] = [];
      for (const m of copies.filter((c) => c.kind === kind)) {
        const o = cli.get(`m${String(m.index).padStart(3, '0')}`);
        if (o?.status !== 'done') {
          bad.push(`#${m.index}: ${o?.status ?? 'not run'} ${o?.exit ?? ''} ${o?.stderr.slice(0, 300) ?? ''}`);
          continue;
        }
        for (const r of o.result!)
          if (!clean(r)) bad.push(`#${m.index} ${r.argv.join(' ')}: exit ${r.code}\n${r.stderr.slice(0, 600)}`);
      }
      expect(bad).toEqual([]);
    },
  );

  it('ls and export over the logdir holding all 200 damaged runs', () => {
    const o = cli.get('all')!;
    expect(o.status).toBe('done');
    for (const r of o.result!)
      expect({ argv: r.argv, clean: clean(r), stderr: r.stderr.slice(0, 600) }).toMatchObject({ clean: true });
  });

  it('real trainkit-tb processes on a sample of the mutants: exit 0 or 1, no stack trace, under 10 s', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
    const bin = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const run = (argv: string[], limitMs: number) =>
      new Promise<{ argv: string[]; code: number | null; stderr: string; ms: number }>((resolve) => {
        const t0 = Date.now();
        const child = spawn(process.execPath, ['--import', tsx, bin, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
        const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ argv, code, stderr, ms: Date.now() - t0 });
        });
      });
    // the 10 s are the command's: node + tsx start-up (seconds on a busy machine) is measured and added
    const startup = (await run(['--version'], 60_000)).ms;
    // every 25th mutant is each of the 8 kinds once; each gets one command, the commands taken in turn
    const sample = copies.filter((m) => m.index % REAL_PROCESS_EVERY === 0);
    const commands = commandsFor('x').length;
    const jobs = sample.map((m, i) => commandsFor(join(logdir, `m${String(m.index).padStart(3, '0')}`))[i % commands]!);
    const results: Awaited<ReturnType<typeof run>>[] = [];
    for (let i = 0; i < jobs.length; i += 2) {
      results.push(...(await Promise.all(jobs.slice(i, i + 2).map((argv) => run(argv, 2 * startup + TIMEOUT_MS)))));
    }
    const bad = results
      .filter((r) => !clean(r))
      .map(
        (r) =>
          `${r.argv.join(' ')}: exit ${r.code} after ${r.ms} ms (start-up ${startup} ms)\n${r.stderr.slice(0, 600)}`,
      );
    expect(bad).toEqual([]);
    expect(results).toHaveLength(sample.length);
  }, 120_000);
});
