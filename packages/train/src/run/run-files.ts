import {
  deserializeCheckpoint,
  deserializeSafetensors,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
  loadSafetensors,
  type SafetensorsContents,
  writeFileAtomic,
} from '@trainkit/core';
import { gfile, isS3Url } from '@trainkit/tensorboard';

// The files of a run (checkpoints, manifest, report) go to the local disk or, for an s3:// run or checkpoint
// directory, to S3 through @trainkit/tensorboard's gfile: core's writers take local paths only, so for S3 the
// bytes are made here and stored whole (temporary key, copy, delete: never a partial object under the final name).

/** Writes a run file whole: locally through a synced temporary file and a rename, on S3 through a temporary key. */
export async function writeRunFile(path: string, data: Uint8Array | string): Promise<void> {
  if (isS3Url(path)) return gfile.writeFileAtomic(path, data);
  await writeFileAtomic(path, [typeof data === 'string' ? Buffer.from(data, 'utf8') : data]);
}

/** loadCheckpoint for a local path or an s3:// URL. */
export async function loadRunCheckpoint(path: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  if (isS3Url(path)) return deserializeCheckpoint(await gfile.readFile(path), options, path);
  return loadCheckpoint(path, options);
}

/** loadSafetensors for a local path or an s3:// URL; the caller owns the tensors. */
export async function loadRunSafetensors(path: string): Promise<SafetensorsContents> {
  if (isS3Url(path)) return deserializeSafetensors(await gfile.readFile(path), path);
  return loadSafetensors(path);
}
