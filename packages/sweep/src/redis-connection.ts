import { Redis } from 'ioredis';
import { CliError } from './usage-error.js';

/** The Redis a sweep's queue lives in when none is named: `$TRAINKIT_REDIS_URL`, else the local default port. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The BullMQ queue sweeps go into unless `--queue` names another. */
export const DEFAULT_QUEUE = 'trainkit-sweeps';

export function redisUrl(given?: string): string {
  return given ?? process.env.TRAINKIT_REDIS_URL ?? DEFAULT_REDIS_URL;
}

/**
 * A connection for BullMQ (which needs `maxRetriesPerRequest: null` for its blocking calls), checked once with a
 * PING so that an unreachable server is one clear error rather than endless reconnect attempts.
 */
export async function connectRedis(url: string): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--redis ${url}: not a URL; expected redis://HOST:PORT`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CliError(`--redis ${url}: expected a redis:// or rediss:// URL`);
  }
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: () => null });
  // the failure is said once, below, rather than also as ioredis's "Unhandled error event"
  const quiet = () => {};
  redis.on('error', quiet);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new CliError(
      `--redis ${url}: cannot connect (${(err as Error).message}); start one with: redis-server --port ${parsed.port || 6379}`,
    );
  }
  redis.off('error', quiet);
  // connected: from now on reconnect as usual (a worker outlives a Redis restart)
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 5000);
  return redis;
}
