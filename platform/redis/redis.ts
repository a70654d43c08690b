import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.ts';

export type { Redis };

export interface RedisSettings {
  url: string;
  /** Every key this process writes starts with this, so test runs and services never collide. */
  keyPrefix: string;
}

/**
 * A Redis connection that fails fast while Redis is down (no offline queue, one retry) so
 * callers can fall back to Postgres instead of hanging, and reconnects in the background.
 */
export function createRedis(settings: RedisSettings, logger: Logger): Redis {
  const log = logger.child({ component: 'redis' });
  const redis = new Redis(settings.url, {
    keyPrefix: settings.keyPrefix,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let lastState = '';
  redis.on('ready', () => {
    if (lastState !== 'ready') log.info('redis connected');
    lastState = 'ready';
  });
  redis.on('error', (error: Error) => {
    if (lastState !== 'error') log.warn({ err: error.message }, 'redis unavailable; retrying in the background');
    lastState = 'error';
  });
  return redis;
}

/** Closes the connection: flushes it when connected, otherwise just stops reconnecting. */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** Resolves once the connection is ready, or rejects after the deadline. */
export async function waitForRedis(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/** Deletes keys under a prefix with SCAN (never KEYS or FLUSHDB): used by tests to start clean. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  // SCAN's MATCH does not apply the client's keyPrefix, so match on the full prefix.
  const fullPrefix = `${redis.options.keyPrefix ?? ''}${prefix}`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${fullPrefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) {
      const unprefixed = keys.map((key) => key.slice((redis.options.keyPrefix ?? '').length));
      deleted += await redis.del(...unprefixed);
    }
  } while (cursor !== '0');
  return deleted;
}
