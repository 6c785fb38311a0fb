import type { S3Client } from '@aws-sdk/client-s3';
import { type S3Settings, s3SettingsFromEnv } from './s3-settings.js';

export type S3Sdk = typeof import('@aws-sdk/client-s3');

let sdk: Promise<S3Sdk> | undefined;

/**
 * The AWS SDK's S3 client package, loaded on the first s3:// path. It is an optional peer dependency: a program
 * that never logs to S3 installs none of its ~100 packages, and one that does gets told what to install.
 */
export function s3Sdk(): Promise<S3Sdk> {
  sdk ??= import('@aws-sdk/client-s3').catch((err: NodeJS.ErrnoException) => {
    sdk = undefined;
    if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') {
      throw new Error(
        's3:// paths need the AWS SDK for JavaScript v3 S3 client, an optional peer dependency of @trainkit/tensorboard: install it with `npm install @aws-sdk/client-s3` (or pnpm add / yarn add)',
        { cause: err },
      );
    }
    throw err;
  });
  return sdk;
}

/**
 * The `@aws-sdk/client-s3` module as trainkit loads it (resolved beside @trainkit/tensorboard), for code that wants
 * the same client package, e.g. to create a bucket. Typed `unknown` so that this package's types never need the SDK
 * installed; cast it to `typeof import('@aws-sdk/client-s3')`.
 */
export function loadS3Sdk(): Promise<unknown> {
  return s3Sdk();
}

const clients = new Map<string, S3Client>();

/**
 * A client for the current environment's settings (see s3SettingsFromEnv), shared by every s3:// path with the same
 * settings; a changed environment (a test's server) gets its own.
 */
export async function s3Client(): Promise<{ sdk: S3Sdk; client: S3Client; settings: S3Settings }> {
  const settings = s3SettingsFromEnv();
  const loaded = await s3Sdk();
  const id = JSON.stringify([settings, process.env.AWS_ACCESS_KEY_ID ?? '', process.env.AWS_PROFILE ?? '']);
  let client = clients.get(id);
  if (!client) {
    client = new loaded.S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    });
    clients.set(id, client);
  }
  return { sdk: loaded, client, settings };
}
