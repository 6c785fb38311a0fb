/** Where and how the S3 client connects, from the environment (see s3SettingsFromEnv). */
export interface S3Settings {
  /** A custom endpoint (an S3-compatible server, a local one in tests); undefined means AWS itself. */
  endpoint: string | undefined;
  region: string;
  /** `http://host/bucket/key` rather than `http://bucket.host/key`: what custom endpoints need (boto3 does so too). */
  forcePathStyle: boolean;
}

/**
 * The client settings the AWS tools take from the environment, plus those TensorBoard's and TensorFlow's S3 file
 * systems read, so that one environment serves trainkit and `tensorboard --logdir s3://…`:
 *
 * - endpoint: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (the AWS SDKs' and CLI's), else `S3_ENDPOINT`
 *   (TensorBoard's boto3 file system passes it as the endpoint URL; TensorFlow's takes `host:port` with
 *   `S3_USE_HTTPS=0` for plain http, so a value without a scheme is read that way);
 * - region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else us-east-1 (what S3-compatible servers expect);
 * - path-style addressing whenever an endpoint is set.
 *
 * Credentials are not read here: the SDK's default chain takes `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 * `AWS_SESSION_TOKEN` (or a profile, or an instance role), as boto3 does.
 */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings {
  const named = (['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL', 'S3_ENDPOINT'] as const).find((k) => env[k]);
  let endpoint: string | undefined;
  if (named) {
    const raw = env[named]!.trim();
    endpoint = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `${env.S3_USE_HTTPS === '0' ? 'http' : 'https'}://${raw}`;
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new Error(`${named}=${raw}: not a URL (expected e.g. http://127.0.0.1:7480)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`${named}=${raw}: expected an http:// or https:// URL`);
    }
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  return { endpoint, region, forcePathStyle: endpoint !== undefined };
}
