import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadCheckpoint, loadSafetensors, optim, tf } from '@trainkit/core';
import { loadRun, readEvents } from '@trainkit/tensorboard';
import { disposeTraining, epochCheckpointName, MANIFEST_FILE, stepCheckpointName } from '@trainkit/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, readTrainingState, Tudui, train } from '../src/index.js';
import { writeTinyCifar } from './tiny-cifar.js';

const APP = resolve(__dirname, '..');
let root: string;
let data: string;

// 480 images in batches of 4: a 120-step epoch, long enough to be interrupted in the middle.
const common = (logs: string) => [
  '--data-dir',
  data,
  '--log-dir',
  logs,
  '--batch-size',
  '4',
  '--lr',
  '0.002',
  '--log-every',
  '1',
  '--momentum',
  '0.9',
  '--epochs',
  '1',
  '--no-progress',
  '--no-download',
];

/** The CLI as a user runs it, from source: tsx, and @trainkit/* resolved to the packages' src (trainkit-source). */
function spawnCli(args: string[]): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--conditions=trainkit-source', '--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: APP,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exit };
}

/** Resolves once the run has logged a training step: the loop is under way. */
async function waitForTraining(runDir: string, exited: () => boolean, output: () => string): Promise<void> {
  for (;;) {
    if (exited()) throw new Error(`the CLI exited before training started:\n${output()}`);
    if (existsSync(runDir) && readdirSync(runDir).some((f) => f.includes('tfevents'))) {
      const run = await loadRun(runDir);
      if ((run.scalars.train_loss?.length ?? 0) > 0) return;
    }
    await sleep(50);
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cifar-interrupt-'));
  data = writeTinyCifar(join(root, 'data'), { train: 480, test: 40 }, 7);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Ctrl-C (SIGINT)', () => {
  it('stops after the current step, saves a whole checkpoint and event file, exits 130; resuming matches an uninterrupted run', async () => {
    const logs = join(root, 'runs');
    const runDir = join(logs, 'interrupted');
    const cli = spawnCli([...common(logs), '--run-name', 'interrupted']);
    let exited = false;
    void cli.exit.then(() => {
      exited = true;
    });
    await waitForTraining(runDir, () => exited, cli.output);
    cli.child.kill('SIGINT');
    const code = await cli.exit;
    const output = cli.output();
    expect(code, output).toBe(130);
    expect(output).toContain('SIGINT received: stopping after the current step');

    const stoppedAt = /stopped at step (\d+) \(epoch 1, batch (\d+)\/120\)/.exec(output);
    expect(stoppedAt, output).not.toBeNull();
    const step = Number(stoppedAt![1]);
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(120); // mid-epoch
    const checkpoint = join(runDir, 'checkpoints', stepCheckpointName(step));
    expect(output).toContain(`resume with: cifar-train --resume ${checkpoint}`);

    // the checkpoint is whole: it parses, and restores a model and an optimizer
    const state = await readTrainingState(checkpoint);
    expect(state).toMatchObject({ epoch: 0, batch: step, step });
    const model = new Tudui();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    expect(await loadCheckpoint(checkpoint, { model, optimizer })).toMatchObject({ step });
    disposeTraining(model, optimizer);
    expect(readdirSync(join(runDir, 'checkpoints')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // the event file is whole (every record's CRCs check out) and holds every step up to the stop
    const files = readdirSync(runDir).filter((f) => f.includes('tfevents'));
    expect(files).toHaveLength(1);
    const events = await readEvents(join(runDir, files[0]!));
    expect(events.issue).toBeUndefined();
    const run = await loadRun(runDir);
    expect(run.scalars.train_loss?.map((p) => p.step)).toEqual(Array.from({ length: step }, (_, i) => i + 1));
    expect(JSON.parse(readFileSync(join(runDir, MANIFEST_FILE), 'utf8'))).toMatchObject({
      status: 'interrupted',
      progress: { step },
    });

    // resuming mid-epoch ends where an uninterrupted run ends, with the same curves
    const quiet = { log: () => {} };
    const resume = parseArgs([...common(logs), '--resume', checkpoint]);
    const resumed = await train(resume.config, { ...quiet, explicit: resume.explicit });
    const straight = await train(parseArgs([...common(logs), '--run-name', 'straight']).config, quiet);
    expect(resumed.state.step).toBe(120);
    const a = await loadSafetensors(join(resumed.checkpointDir, epochCheckpointName(1)));
    const b = await loadSafetensors(join(straight.checkpointDir, epochCheckpointName(1)));
    try {
      for (const [name, t] of Object.entries(b.tensors)) {
        const diff = tf.max(tf.abs(tf.sub(t, a.tensors[name]!))).dataSync()[0]!;
        expect(diff, name).toBeLessThanOrEqual(1e-6);
      }
    } finally {
      tf.dispose([...Object.values(a.tensors), ...Object.values(b.tensors)]);
    }
    const [r1, r2] = [await loadRun(resumed.runDir), await loadRun(straight.runDir)];
    for (const tag of ['train_loss', 'test_loss', 'test_accuracy', 'train_loss_epoch']) {
      const x = r1.scalars[tag]!.map((p) => [p.step, p.value]);
      const y = r2.scalars[tag]!.map((p) => [p.step, p.value]);
      expect(
        x.map(([s]) => s),
        tag,
      ).toEqual(y.map(([s]) => s));
      x.forEach(([, v], i) => {
        expect(Math.abs(v! - y[i]![1]!), tag).toBeLessThanOrEqual(1e-6);
      });
    }
  });

  it('a second Ctrl-C ends the run at once: exit status 130, as the shell reports a Ctrl-C', async () => {
    const logs = join(root, 'runs2');
    const cli = spawnCli([...common(logs), '--run-name', 'twice']);
    let exited = false;
    const signalled = new Promise<NodeJS.Signals | null>((done) =>
      cli.child.on('exit', (_code, signal) => done(signal)),
    );
    void cli.exit.then(() => {
      exited = true;
    });
    await waitForTraining(join(logs, 'twice'), () => exited, cli.output);
    cli.child.kill('SIGINT');
    await sleep(5);
    cli.child.kill('SIGINT');
    // The second signal lands either while the graceful stop runs (the handler exits with 130) or just after the
    // handler was removed (Node's default: killed by SIGINT, which a shell also reports as 130).
    const [code, signal] = [await cli.exit, await signalled];
    expect(code === 130 || signal === 'SIGINT', `code ${code}, signal ${signal}\n${cli.output()}`).toBe(true);
  });
});
