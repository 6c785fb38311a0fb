/** One entry of a directory listing: a file (an object, on S3) or a directory (a key prefix followed by '/'). */
export interface FileEntry {
  name: string;
  isDirectory: boolean;
}

/**
 * A place logs and checkpoints are written to and read from: the local disk or an S3 bucket. Paths are whole
 * (a local path, or an `s3://bucket/key` URL). Failures a user can act on carry a Node-style `code` (ENOENT,
 * EACCES) and name the path.
 */
export interface FileSystem {
  /** The whole file (a Buffer, from either file system). */
  readFile(path: string): Promise<Uint8Array>;
  /** Replaces the file as a whole: a reader (or a crash) sees the previous version or the new one, never a part. */
  writeFileAtomic(path: string, data: Uint8Array | string): Promise<void>;
  /** The entries of a directory; throws with code ENOENT when there is none. */
  listdir(dir: string): Promise<FileEntry[]>;
  /** Whether a file or a directory exists at `path`. */
  exists(path: string): Promise<boolean>;
  /** Removes a file; a missing one is no error. */
  remove(path: string): Promise<void>;
}

/** An error with the Node-style code callers switch on (ENOENT …), for failures that are not Node's own. */
export function fileSystemError(message: string, code: string, cause?: unknown): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(message, cause === undefined ? undefined : { cause });
  err.code = code;
  return err;
}
