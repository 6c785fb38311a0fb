import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attemptStart, type SweepJobData } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'trainkit-attempt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run directory as an earlier attempt left it: an event file, a manifest, checkpoints. */
function leftBehind(job: string, manifest: object | undefined, checkpoints: string[] = []): SweepJobData {
  const runDir = join('runs', 's', job); // relative: to the worker's directory
  const dir = join(root, runDir);
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  writeFileSync(join(dir, 'events.out.tfevents.1.host.1.0'), '');
  if (manifest) writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  for (const c of checkpoints) writeFileSync(join(dir, 'checkpoints', c), 'x');
  return { sweep: 's', job, params: {}, command: ['app'], runDir };
}

describe('attemptStart', () => {
  it('starts fresh where nothing was left', async () => {
    const data: SweepJobData = { sweep: 's', job: 'none', params: {}, command: ['app'], runDir: 'runs/s/none' };
    expect(await attemptStart(data, root)).toEqual({ kind: 'fresh' });
  });

  it('does not run a completed run again', async () => {
    const data = leftBehind('done', { status: 'completed', progress: { epochsCompleted: 2 } }, ['epoch_2.safetensors']);
    expect(await attemptStart(data, root)).toEqual({ kind: 'completed' });
  });

  it('resumes a stopped run from the checkpoint it saved, a dead one from its last epoch', async () => {
    const stopped = leftBehind(
      'stopped',
      { status: 'interrupted', checkpoint: join(root, 'runs/s/stopped/checkpoints/step_90.safetensors') },
      ['epoch_1.safetensors', 'step_90.safetensors'],
    );
    expect(await attemptStart(stopped, root)).toEqual({
      kind: 'resume',
      checkpoint: join(root, 'runs/s/stopped/checkpoints/step_90.safetensors'),
    });
    const dead = leftBehind('dead', { status: 'running', progress: { epochsCompleted: 2 } }, [
      'epoch_1.safetensors',
      'epoch_2.safetensors',
    ]);
    expect(await attemptStart(dead, root)).toEqual({
      kind: 'resume',
      checkpoint: join(root, 'runs/s/dead/checkpoints/epoch_2.safetensors'),
    });
  });

  it('removes a run that died before its first checkpoint, so that the program can start it again', async () => {
    const early = leftBehind('early', { status: 'running', progress: { epochsCompleted: 0 } });
    expect(await attemptStart(early, root)).toEqual({ kind: 'fresh' });
    expect(existsSync(join(root, early.runDir))).toBe(false);
    const noManifest = leftBehind('bare', undefined);
    expect(await attemptStart(noManifest, root)).toEqual({ kind: 'fresh' });
    expect(existsSync(join(root, noManifest.runDir))).toBe(false);
  });
});
