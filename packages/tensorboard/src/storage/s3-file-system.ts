import { randomBytes } from 'node:crypto';
import { type FileEntry, type FileSystem, fileSystemError } from './file-system.js';
import { s3Client } from './s3-client.js';
import { formatS3Url, parseS3Url } from './s3-url.js';

/**
 * An S3 bucket (or any server speaking S3's HTTP API) behind `s3://bucket/key` URLs, through the AWS SDK v3 (see
 * s3Client for the settings). Directories are key prefixes ending in '/', as TensorBoard's S3 file system sees them.
 */
export const s3FileSystem: FileSystem = {
  async readFile(path) {
    const { bucket, key } = objectOf(path);
    const { sdk, client } = await s3Client();
    try {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await out.Body!.transformToByteArray();
      // a Buffer, as a local file reads: protobufjs then decodes bytes fields as Buffers on both
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      throw s3Failure(err, path, 'read');
    }
  },

  // A PUT is all or nothing on S3 already; the temporary key and the copy keep a failed or killed upload of a large
  // file (a checkpoint) from ever being visible under the final name, whatever the server does with partial
  // uploads, and make the final object appear by one server-side operation, as a rename does on a disk.
  async writeFileAtomic(path, data) {
    const { bucket, key } = objectOf(path);
    const { sdk, client } = await s3Client();
    const slash = key.lastIndexOf('/');
    const tmp = `${key.slice(0, slash + 1)}.${key.slice(slash + 1)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: tmp, Body: body }));
      try {
        await client.send(
          new sdk.CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/${encodeKey(tmp)}` }),
        );
      } finally {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: tmp })).catch(() => {});
      }
    } catch (err) {
      throw s3Failure(err, path, 'write');
    }
  },

  async listdir(dir) {
    const { bucket, key } = parseS3Url(dir);
    const prefix = key === '' ? '' : `${key}/`;
    const { sdk, client } = await s3Client();
    const entries: FileEntry[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(
          new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
        );
        for (const p of page.CommonPrefixes ?? []) {
          const name = p.Prefix!.slice(prefix.length, -1);
          if (name) entries.push({ name, isDirectory: true });
        }
        for (const o of page.Contents ?? []) {
          const name = o.Key!.slice(prefix.length);
          // the empty "directory marker" object some tools (TensorBoard's makedirs) put at the prefix itself
          if (name) entries.push({ name, isDirectory: false });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw s3Failure(err, dir, 'list');
    }
    if (entries.length === 0) throw fileSystemError(`${dir}: no such directory (no object under it)`, 'ENOENT');
    return entries;
  },

  async exists(path) {
    const { bucket, key } = parseS3Url(path);
    const { sdk, client } = await s3Client();
    try {
      if (key !== '') {
        try {
          await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
          return true;
        } catch (err) {
          if (statusOf(err) !== 404) throw err;
        }
      }
      const page = await client.send(
        new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: key === '' ? '' : `${key}/`, MaxKeys: 1 }),
      );
      return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchBucket') return false;
      throw s3Failure(err, path, 'look up');
    }
  },

  async remove(path) {
    const { bucket, key } = objectOf(path);
    const { sdk, client } = await s3Client();
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      throw s3Failure(err, path, 'remove');
    }
  },
};

function objectOf(path: string) {
  const loc = parseS3Url(path);
  if (loc.key === '') throw new Error(`${path}: names a bucket, not an object (expected s3://bucket/key)`);
  return loc;
}

/** A key as CopyObject's CopySource wants it: URL-encoded, slashes kept. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** The SDK's error said with the URL, and with the code callers act on. */
function s3Failure(err: unknown, path: string, what: string): Error {
  const e = err as { name?: string; code?: string; message?: string };
  const { bucket } = parseS3Url(path);
  if (e.name === 'NoSuchKey' || (statusOf(err) === 404 && e.name === 'NotFound')) {
    return fileSystemError(`${path}: no such object`, 'ENOENT', err);
  }
  if (e.name === 'NoSuchBucket') {
    return fileSystemError(`${path}: no such bucket ${formatS3Url({ bucket, key: '' })}`, 'ENOENT', err);
  }
  if (e.name === 'AccessDenied' || e.name === 'InvalidAccessKeyId' || e.name === 'SignatureDoesNotMatch') {
    return fileSystemError(
      `${path}: permission denied (${e.name}; check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      'EACCES',
      err,
    );
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND') {
    const endpoint = s3EndpointForMessage();
    return fileSystemError(`${path}: cannot ${what}: ${e.code} connecting to ${endpoint}`, e.code, err);
  }
  return new Error(`${path}: cannot ${what}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, { cause: err });
}

function s3EndpointForMessage(): string {
  const env = process.env;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || env.S3_ENDPOINT || 'the AWS S3 endpoint';
}
