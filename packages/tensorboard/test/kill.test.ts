import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvents } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tk-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// Run the TypeScript helpers in node itself (node --import tsx), so signals reach the process that writes.
const tsx = ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href];

describe('kill -9 of a process writing scalars', () => {
  it('loses nothing older than flushSecs and never damages earlier records', async () => {
    const flushSecs = 1;
    const child = spawn(
      process.execPath,
      [...tsx, fileURLToPath(new URL('./helpers/scalar-loop.ts', import.meta.url)), root, String(flushSecs)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const progress: [number, number][] = [];
    let file = '';
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [kind, a, b] = line.split(' ');
        if (kind === 'file') file = a!;
        else if (kind === 'step') progress.push([Number(a), Number(b)]);
      }
    });
    // Let it run for 3.5 flush periods after its first report (starting it through tsx can take seconds on a busy
    // machine), then kill it without warning.
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the writer process exited early with code ${code}`)));
      const start = Date.now();
      let firstReport = 0;
      const wait = setInterval(() => {
        if (progress.length === 0 && Date.now() - start > 30_000)
          reject(new Error('the writer process reported nothing'));
        if (progress.length > 0 && firstReport === 0) firstReport = Date.now();
        if (firstReport > 0 && Date.now() - firstReport > 3500) {
          clearInterval(wait);
          resolve();
        }
      }, 50);
    });
    const killedAt = Date.now() / 1000;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;

    const { events, issue } = await readEvents(file);
    // A record cut by the kill can only be the last one.
    if (issue) expect(issue.kind).toBe('truncated');
    const steps = events.filter((e) => e.summary).map((e) => e.step ?? 0);
    expect(steps.length).toBeGreaterThan(0);
    expect(steps).toEqual(steps.map((_, i) => i)); // contiguous from 0: nothing before the end is lost or damaged
    // Every step the child had logged flushSecs (plus scheduling slack) before the kill is on disk.
    const deadline = killedAt - flushSecs - 0.5;
    const mustHave = progress.filter(([, t]) => t < deadline).map(([s]) => s);
    expect(mustHave.length).toBeGreaterThan(0);
    expect(steps.at(-1)!).toBeGreaterThanOrEqual(Math.max(...mustHave));
  });
});

describe('a process that ends while events are queued', () => {
  const run = (mode: string, signal?: NodeJS.Signals) =>
    new Promise<{ file: string; code: number | null; sig: NodeJS.Signals | null }>((resolve, reject) => {
      const script = fileURLToPath(new URL('./helpers/exit-modes.ts', import.meta.url));
      const child = spawn(process.execPath, [...tsx, script, join(root, mode), mode], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (signal && out.includes('ready\n')) child.kill(signal);
      });
      child.once('error', reject);
      child.once('exit', (code, sig) => resolve({ file: /file (\S+)/.exec(out)?.[1] ?? '', code, sig }));
    });

  it.each([
    ['exit', undefined],
    ['throw', undefined],
    ['sigterm', 'SIGTERM'],
    ['sigint', 'SIGINT'],
  ] as const)('flushes everything on %s and keeps the default outcome', async (mode, signal) => {
    const { file, code, sig } = await run(mode, signal);
    const { events, issue } = await readEvents(file);
    expect(issue).toBeUndefined();
    expect(events.filter((e) => e.summary).map((e) => e.step ?? 0)).toEqual([...Array(100).keys()]);
    if (mode === 'exit') expect(code).toBe(3);
    if (mode === 'throw') expect(code).toBe(1);
    if (signal) expect(sig).toBe(signal); // re-raised: the process still dies of the signal
  });
});
