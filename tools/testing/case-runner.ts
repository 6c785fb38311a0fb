// Runs a table of fault cases in child processes, one case at a time, so that a case that hangs (a blocking read of
// a FIFO stops the event loop: no in-process timeout can fire) or crashes the process (a native abort, an
// out-of-memory kill) is seen as such and does not take the rest of the table with it: the parent kills a child that
// spends more than `caseTimeoutMs` on a case, records the case as a hang (or a crash, when the child died), and
// starts a new child for the cases after it. Shared by the fault campaigns of packages/data and packages/tensorboard.
import { spawn } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const START = '\u0001case-start ';
const DONE = '\u0001case-done ';

export interface CaseOutcome<R> {
  id: string;
  /** done: the case's function returned `result`; hang: killed after caseTimeoutMs; crash: the child died in it */
  status: 'done' | 'hang' | 'crash';
  result?: R;
  /** how the child ended, for a crash */
  exit?: string;
  /** what the child wrote to stderr while the case ran */
  stderr: string;
  ms: number;
}

export interface RunCasesOptions {
  /** the TypeScript (or JS) file that calls serveCases */
  script: string;
  ids: readonly string[];
  /** a case that takes longer is a hang */
  caseTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** how many children run at once, each on its own share of the ids (default 1) */
  parallel?: number;
}

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

function runChild<R>(opts: RunCasesOptions, ids: readonly string[], out: Map<string, CaseOutcome<R>>): Promise<void> {
  const list = join(tmpdir(), `trainkit-cases-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(list, JSON.stringify(ids));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, opts.script, list], {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let current: { id: string; t0: number; stderr: string } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let buffered = '';
    let killedFor: string | undefined;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (current) current.stderr += s;
    });
    child.stdout.on('data', (s: string) => {
      buffered += s;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith(START)) {
          current = { id: line.slice(START.length), t0: Date.now(), stderr: '' };
          const id = current.id;
          timer = setTimeout(() => {
            killedFor = id;
            child.kill('SIGKILL');
          }, opts.caseTimeoutMs);
        } else if (line.startsWith(DONE) && current) {
          clearTimeout(timer);
          const { id, result } = JSON.parse(line.slice(DONE.length)) as { id: string; result: R };
          out.set(id, { id, status: 'done', result, stderr: current.stderr, ms: Date.now() - current.t0 });
          current = undefined;
        }
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      unlinkSync(list);
      if (current) {
        out.set(current.id, {
          id: current.id,
          status: killedFor === current.id ? 'hang' : 'crash',
          exit: signal ? `signal ${signal}` : `exit code ${code}`,
          stderr: current.stderr,
          ms: Date.now() - current.t0,
        });
      }
      resolve();
    });
  });
}

/** Runs every id through `script` (see serveCases); a hang or crash restarts a child for the ids left. */
export async function runCases<R>(opts: RunCasesOptions): Promise<Map<string, CaseOutcome<R>>> {
  const out = new Map<string, CaseOutcome<R>>();
  const lanes = Math.max(1, opts.parallel ?? 1);
  const shares = Array.from({ length: lanes }, (_, k) => opts.ids.filter((_, i) => i % lanes === k));
  await Promise.all(
    shares.map(async (share) => {
      let left = share.filter((id) => !out.has(id));
      while (left.length > 0) {
        await runChild(opts, left, out);
        const next = left.filter((id) => !out.has(id));
        // a child that died before starting any case would loop forever: record the first as a crash
        if (next.length === left.length) {
          out.set(next[0]!, {
            id: next[0]!,
            status: 'crash',
            exit: 'the child ended before the case',
            stderr: '',
            ms: 0,
          });
        }
        left = left.filter((id) => !out.has(id));
      }
    }),
  );
  return out;
}

/**
 * The child's side: reads the ids from the file named by argv[2] and runs `run` on each in turn, telling the parent
 * when each starts and what it returned (as one JSON line on stdout).
 */
export async function serveCases<R>(run: (id: string) => Promise<R>): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const ids = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as string[];
  for (const id of ids) {
    process.stdout.write(`${START}${id}\n`);
    const result = await run(id);
    process.stdout.write(`${DONE}${JSON.stringify({ id, result })}\n`);
  }
}
