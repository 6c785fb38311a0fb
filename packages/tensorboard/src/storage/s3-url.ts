/** A bucket and a key (or key prefix, for a "directory") named by an `s3://bucket/key` URL. */
export interface S3Location {
  bucket: string;
  key: string;
}

const SCHEME = 's3://';

// S3's rules for bucket names (3–63 lowercase letters, digits, dots and hyphens), so a typo fails here, naming the
// URL, rather than as a signature or DNS error from the server.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Whether `path` is an `s3://` URL rather than a local path. */
export function isS3Url(path: string): boolean {
  return path.startsWith(SCHEME);
}

/**
 * Splits `s3://bucket/some/key` into bucket and key. Trailing slashes are dropped (a log dir `s3://b/runs/` and
 * `s3://b/runs` are the same prefix); `s3://bucket` alone names the bucket's top level (key '').
 */
export function parseS3Url(url: string): S3Location {
  if (!isS3Url(url)) throw new Error(`${url}: not an s3:// URL (expected s3://bucket/prefix)`);
  const rest = url.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (!BUCKET.test(bucket)) {
    throw new Error(
      `${url}: '${bucket}' is not a valid S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-'; expected s3://bucket/prefix)`,
    );
  }
  const key = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (key !== '' && key.split('/').includes('')) {
    throw new Error(`${url}: empty path segment ('//') in the key`);
  }
  return { bucket, key };
}

/** The URL of a bucket and key. */
export function formatS3Url({ bucket, key }: S3Location): string {
  return key === '' ? `${SCHEME}${bucket}` : `${SCHEME}${bucket}/${key}`;
}
