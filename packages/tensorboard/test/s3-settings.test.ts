import { describe, expect, it } from 'vitest';
import { formatS3Url, isS3Url, parseS3Url, s3SettingsFromEnv } from '../src/index.js';

describe('parseS3Url', () => {
  it('splits bucket and key, dropping trailing slashes', () => {
    expect(parseS3Url('s3://my-bucket/runs/exp1/')).toEqual({ bucket: 'my-bucket', key: 'runs/exp1' });
    expect(parseS3Url('s3://my-bucket')).toEqual({ bucket: 'my-bucket', key: '' });
    expect(formatS3Url({ bucket: 'b.x', key: 'a/b' })).toBe('s3://b.x/a/b');
    expect(isS3Url('runs/s3://x')).toBe(false);
  });

  it('names the URL and the fault', () => {
    expect(() => parseS3Url('s3://My_Bucket/x')).toThrow(
      "s3://My_Bucket/x: 'My_Bucket' is not a valid S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-'; expected s3://bucket/prefix)",
    );
    expect(() => parseS3Url('s3://bucket//x')).toThrow("s3://bucket//x: empty path segment ('//') in the key");
    expect(() => parseS3Url('/tmp/x')).toThrow('/tmp/x: not an s3:// URL');
  });
});

describe('s3SettingsFromEnv', () => {
  it('reads the AWS variables first, then TensorBoard’s S3_ENDPOINT', () => {
    expect(s3SettingsFromEnv({})).toEqual({ endpoint: undefined, region: 'us-east-1', forcePathStyle: false });
    expect(
      s3SettingsFromEnv({
        AWS_ENDPOINT_URL: 'http://a:1',
        AWS_ENDPOINT_URL_S3: 'http://s3:2',
        S3_ENDPOINT: 'http://c:3',
        AWS_DEFAULT_REGION: 'eu-west-1',
      }),
    ).toEqual({ endpoint: 'http://s3:2', region: 'eu-west-1', forcePathStyle: true });
    expect(s3SettingsFromEnv({ AWS_ENDPOINT_URL: 'http://a:1', S3_ENDPOINT: 'http://c:3', AWS_REGION: 'x' })).toEqual({
      endpoint: 'http://a:1',
      region: 'x',
      forcePathStyle: true,
    });
    // TensorFlow's form: host:port, https unless S3_USE_HTTPS=0
    expect(s3SettingsFromEnv({ S3_ENDPOINT: 'minio:9000', S3_USE_HTTPS: '0' }).endpoint).toBe('http://minio:9000');
    expect(s3SettingsFromEnv({ S3_ENDPOINT: 'minio:9000' }).endpoint).toBe('https://minio:9000');
  });

  it('names the variable of a bad endpoint', () => {
    expect(() => s3SettingsFromEnv({ AWS_ENDPOINT_URL: 'ftp://x' })).toThrow(
      'AWS_ENDPOINT_URL=ftp://x: expected an http:// or https:// URL',
    );
    expect(() => s3SettingsFromEnv({ AWS_ENDPOINT_URL_S3: 'http://a b' })).toThrow(
      'AWS_ENDPOINT_URL_S3=http://a b: not a URL (expected e.g. http://127.0.0.1:7480)',
    );
  });
});
