import { join as joinLocal } from 'node:path';
import type { FileEntry, FileSystem } from './file-system.js';
import { localFileSystem } from './local-file-system.js';
import { s3FileSystem } from './s3-file-system.js';
import { isS3Url } from './s3-url.js';

/** The file system a path lives on: S3 for `s3://` URLs, the local disk otherwise. */
export function fileSystemFor(path: string): FileSystem {
  return isS3Url(path) ? s3FileSystem : localFileSystem;
}

/** Appends names to a directory path: '/'-separated for s3:// URLs (path.join would fold `s3://` to `s3:/`). */
export function joinPath(dir: string, ...names: string[]): string {
  if (!isS3Url(dir)) return joinLocal(dir, ...names);
  const parts = [dir.replace(/\/+$/, ''), ...names.map((n) => n.replace(/^\/+|\/+$/g, ''))].filter((p) => p !== '');
  return parts.join('/');
}

/**
 * TensorBoard's `tf.io.gfile` for the places trainkit writes to: each function takes a local path or an
 * `s3://bucket/key` URL and goes to the disk or to S3 (see s3SettingsFromEnv for the environment it reads).
 */
export const gfile = {
  readFile: (path: string): Promise<Uint8Array> => fileSystemFor(path).readFile(path),
  writeFileAtomic: (path: string, data: Uint8Array | string): Promise<void> =>
    fileSystemFor(path).writeFileAtomic(path, data),
  listdir: (dir: string): Promise<FileEntry[]> => fileSystemFor(dir).listdir(dir),
  exists: (path: string): Promise<boolean> => fileSystemFor(path).exists(path),
  remove: (path: string): Promise<void> => fileSystemFor(path).remove(path),
  join: joinPath,
  isS3: isS3Url,
};
