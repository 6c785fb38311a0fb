import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { gfile } from '@trainkit/tensorboard';
import type { SweepJobData } from './sweep-job.js';

/** How an attempt at a job starts, given what earlier attempts left in its run directory. */
export type AttemptStart = { kind: 'fresh' } | { kind: 'resume'; checkpoint: string } | { kind: 'completed' };

/** What the worker reads of a trainkit run's manifest.json (written by @trainkit/train's TrainingRun). */
interface RunManifest {
  status?: string;
  /** the checkpoint written last, on 'completed' and 'interrupted' */
  checkpoint?: string | null;
  progress?: { epochsCompleted?: number };
}

async function entries(dir: string): Promise<{ name: string; isDirectory: boolean }[]> {
  try {
    return await gfile.listdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function readManifest(runDir: string): Promise<RunManifest | undefined> {
  try {
    return JSON.parse(new TextDecoder().decode(await gfile.readFile(gfile.join(runDir, 'manifest.json'))));
  } catch {
    return undefined;
  }
}

/** Removes a directory and everything under it, on the disk or under an s3:// prefix. */
async function removeTree(dir: string): Promise<void> {
  if (!gfile.isS3(dir)) return rm(dir, { recursive: true, force: true });
  for (const entry of await entries(dir)) {
    const path = gfile.join(dir, entry.name);
    await (entry.isDirectory ? removeTree(path) : gfile.remove(path));
  }
}

/**
 * Looks at what earlier attempts left in the job's run directory (on the disk or on S3), by the run's manifest:
 * nothing (start fresh); a completed run (its worker died after the program finished: nothing to do); a run stopped
 * by a signal (resume from the checkpoint it saved); a run that died after some epochs (resume from the last epoch's
 * checkpoint, which the program saves just before it records the epoch in the manifest); or a run that died before
 * any checkpoint, which is removed so that the program, refusing a directory that holds a run, can start over.
 * trainkit programs resume exactly: the same weights and curves as a run that was never stopped.
 */
export async function attemptStart(data: SweepJobData, cwd: string): Promise<AttemptStart> {
  const at = (path: string) => (gfile.isS3(path) ? path : resolve(cwd, path));
  const runDir = at(data.runDir);
  const files = await entries(runDir);
  if (!files.some((f) => f.name.includes('tfevents') || f.name === 'manifest.json')) return { kind: 'fresh' };
  const manifest = await readManifest(runDir);
  if (manifest?.status === 'completed') return { kind: 'completed' };
  const checkpointDir = data.checkpointDir === undefined ? gfile.join(runDir, 'checkpoints') : at(data.checkpointDir);
  const epochs = manifest?.progress?.epochsCompleted ?? 0;
  const candidates = [
    manifest?.status === 'interrupted' && manifest.checkpoint ? manifest.checkpoint : undefined,
    // @trainkit/train's epochCheckpointName
    epochs > 0 ? gfile.join(checkpointDir, `epoch_${epochs}.safetensors`) : undefined,
  ];
  for (const checkpoint of candidates) {
    if (checkpoint !== undefined && (await gfile.exists(checkpoint))) return { kind: 'resume', checkpoint };
  }
  await removeTree(runDir);
  if (data.checkpointDir !== undefined) await removeTree(checkpointDir);
  return { kind: 'fresh' };
}
