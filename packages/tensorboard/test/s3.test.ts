// SummaryWriter, the reader and trainkit-tb on s3:// log dirs, against a real S3 server (radosgw) on 127.0.0.1.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { s3ServerForTests } from '../../../tools/testing/s3-test-server.js';
import { main } from '../src/cli.js';
import {
  gfile,
  LogdirError,
  listRuns,
  loadLogdir,
  loadRun,
  loadS3Sdk,
  readEvents,
  SummaryWriter,
} from '../src/index.js';

const BUCKET = 'trainkit-tb';
const server = await s3ServerForTests((await loadS3Sdk()) as never, [BUCKET]);
const tsx = ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href];
const helper = (name: string) => fileURLToPath(new URL(`./helpers/${name}`, import.meta.url));
let prefixes = 0;
const freshPrefix = () => `s3://${BUCKET}/t${Date.now()}-${prefixes++}`;

/** Runs a helper in its own node process, resolving with it once its stdout has a line matching `ready`. */
function startHelper(name: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, [...tsx, helper(name), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} exited early with code ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      if (parts.some((l) => ready.test(l))) resolve({ child, lines });
    });
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe.skipIf(!server)('s3:// log dirs (radosgw on 127.0.0.1)', () => {
  it('SummaryWriter writes, the reader reads every scalar back', async () => {
    const logdir = freshPrefix();
    const w = new SummaryWriter(`${logdir}/run-a`, { flushSecs: 0.05 });
    for (let step = 0; step < 300; step++) {
      w.addScalar('train/loss', 1 / (step + 1), step);
      if (step % 100 === 0) await w.flushed();
    }
    w.addScalars('lr', { sgd: 0.1, adam: 0.001 }, 7);
    w.addText('note', 'on S3', 3);
    w.addHistogram('weights', [1, 2, 2, 3, 3, 3], 5);
    await w.close();
    expect(gfile.isS3(w.eventFile)).toBe(true);

    const runs = await loadLogdir(logdir);
    expect(runs.map((r) => r.name)).toEqual(['run-a', 'run-a/lr_adam', 'run-a/lr_sgd']);
    const run = runs[0]!;
    expect(run.issues).toEqual([]);
    expect(run.files.length).toBeGreaterThan(2); // one object per flush window
    expect(run.files[0]).toBe(w.eventFile);
    expect(run.scalars['train/loss']!.map((p) => p.step)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(run.scalars['train/loss']!.map((p) => p.value)).toEqual(
      Array.from({ length: 300 }, (_, i) => Math.fround(1 / (i + 1))),
    );
    expect(run.texts['note/text_summary']).toEqual([expect.objectContaining({ step: 3, text: 'on S3' })]);
    expect(run.histograms.weights![0]!.num).toBe(6);
    expect(runs[1]!.scalars.lr).toEqual([expect.objectContaining({ step: 7, value: Math.fround(0.001) })]);
    // every object is an event file of its own, starting with the file_version record
    for (const file of run.files) expect((await readEvents(file)).events[0]!.fileVersion).toBe('brain.Event:2');
    // the parts sort in the order they were written, as TensorBoard reads them
    expect([...run.files].sort()).toEqual(run.files);
  });

  it('a writer started later in the same prefix sorts after the first (a resumed run)', async () => {
    const logdir = freshPrefix();
    const first = new SummaryWriter(logdir);
    first.addScalar('x', 1, 1);
    await first.close();
    const second = new SummaryWriter(logdir, { purgeStep: 1 });
    second.addScalar('x', 2, 1);
    await second.close();
    const run = await loadRun(logdir);
    expect(run.scalars.x!.map((p) => p.value)).toEqual([2]);
    expect(run.purged).toBe(1);
  });

  it('kill -9 after a flush: every flushed event is readable, only the unflushed tail is lost', async () => {
    const logdir = freshPrefix();
    const { child } = await startHelper('s3-flush-then-die.ts', [logdir, '250', '100'], /^flushed 250$/);
    await kill(child);
    const [run] = await loadLogdir(logdir);
    expect(run!.issues).toEqual([]);
    expect(run!.scalars.loss!.map((p) => p.step)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('SIGTERM: the exit hooks upload what is queued before the signal ends the process', async () => {
    const logdir = freshPrefix();
    const { child } = await startHelper('s3-until-signal.ts', [logdir, '120'], /^queued 120$/);
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM'); // still dies of the signal
    const [run] = await loadLogdir(logdir);
    expect(run!.scalars.loss!.map((p) => p.step)).toEqual(Array.from({ length: 120 }, (_, i) => i));
  });

  it('an object rewritten with writeFileAtomic is whole at every moment, even when the writer is killed', async () => {
    const url = `${freshPrefix()}/checkpoints/epoch_1.safetensors`;
    const size = 8 << 20;
    const { child, lines } = await startHelper('s3-rewrite-loop.ts', [url, String(size)], /^wrote 2$/);
    // kill it at some point during a later upload
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 300));
    await kill(child);
    const bytes = await gfile.readFile(url);
    expect(bytes.length).toBe(size);
    expect(new Set(bytes).size).toBe(1);
    const last = Number(lines.at(-1)!.split(' ')[1]);
    expect([last % 256, (last + 1) % 256]).toContain(bytes[0]);
    // only the final object and possibly the killed upload's temporary one: nothing else under final names
    const names = (await gfile.listdir(url.slice(0, url.lastIndexOf('/')))).map((e) => e.name);
    expect(names.filter((n) => !n.endsWith('.tmp'))).toEqual(['epoch_1.safetensors']);
  });

  it('trainkit-tb ls, scalars and compare read s3:// logdirs', async () => {
    const logdir = freshPrefix();
    for (const [name, lr] of [
      ['lr0.1', 0.1],
      ['lr0.01', 0.01],
    ] as const) {
      const w = new SummaryWriter(`${logdir}/${name}`);
      for (let step = 1; step <= 3; step++) w.addScalar('loss', lr * step, step);
      await w.close();
    }
    const quiet = { warn: () => {} };
    const ls = await main(['ls', logdir], quiet);
    expect(ls).toContain('lr0.01');
    expect(ls).toContain('lr0.1');
    expect(ls).toMatch(/loss\s+3/);
    const scalars = await main(['scalars', 'loss', logdir, '--run', 'lr0.1'], quiet);
    expect(scalars).toMatch(/3\s+\S+\s+0\.3/);
    const compare = await main(['compare', `${logdir}/lr0.1`, `${logdir}/lr0.01`, '--tag', 'loss'], quiet);
    expect(compare.split('\n')[0]).toMatch(/^step\s+lr0\.1\s+lr0\.01$/);
    expect(compare).toMatch(/^2\s+0\.2\s+0\.02$/m);
  });

  it('a prefix or bucket that holds nothing is a LogdirError naming it', async () => {
    const missing = `${freshPrefix()}/nothing`;
    await expect(listRuns(missing)).rejects.toThrow(
      new LogdirError(`logdir ${missing}: no such directory`, missing, 'ENOENT'),
    );
    await expect(main(['ls', 's3://no-such-bucket-here/x'])).rejects.toThrow(
      'logdir s3://no-such-bucket-here/x: no such directory',
    );
  });
});
