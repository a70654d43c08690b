import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { PrefixingKeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Logger } from '../../platform/logging/logger.ts';
import type { Redis } from '../../platform/redis/redis.ts';

export interface RedisKeyValueCacheOptions {
  redis: Redis;
  logger: Logger;
  /** Every key starts with it (e.g. `shop:apq:`), so APQ shares Redis with other data without collisions. */
  keyPrefix: string;
  /**
   * The longest any entry lives, and the lifetime of one stored without a `ttl`: a stranger can
   * register documents, so nothing stays for ever. Apollo's `ttl: null` ("no expiry") gets it too.
   */
  maxTtlSeconds: number;
  /** Values longer than this (in UTF-16 units) are not stored: they could not have come through the body limit. */
  maxValueLength: number;
}

/**
 * Apollo's KeyValueCache over ioredis, shared by every gateway instance: a document registered
 * through one instance is found by hash on all of them. Redis only saves clients a round trip,
 * so it fails open: a read that fails is a miss (the APQ client then sends the whole document
 * again), a write that fails is dropped; both are logged once per outage, and no request fails.
 */
export function createRedisKeyValueCache(options: RedisKeyValueCacheOptions): KeyValueCache<string> {
  const log = options.logger.child({ component: 'apq-cache' });
  let degraded = false;
  // Like platform/redis/fail-open.ts, but what a miss costs here is a resent document, not a database read.
  const failOpen = {
    async attempt<T>(operation: string, run: () => Promise<T>): Promise<T | null> {
      try {
        const result = await run();
        if (degraded) log.info('persisted-query cache available again');
        degraded = false;
        return result;
      } catch (error) {
        if (!degraded) {
          log.warn({ err: error instanceof Error ? error.message : String(error), operation }, 'persisted-query cache unavailable; clients send whole documents');
        }
        degraded = true;
        return null;
      }
    },
  };
  const keyOf = (key: string) => `${options.keyPrefix}${key}`;
  const ttlOf = (requested: KeyValueCacheSetOptions['ttl']) =>
    typeof requested === 'number' && requested > 0 ? Math.min(Math.ceil(requested), options.maxTtlSeconds) : options.maxTtlSeconds;

  const cache: KeyValueCache<string> = {
    async get(key) {
      const value = await failOpen.attempt('read', () => options.redis.get(keyOf(key)));
      return value ?? undefined;
    },
    async set(key, value, setOptions) {
      if (value.length > options.maxValueLength) return;
      await failOpen.attempt('write', () => options.redis.set(keyOf(key), value, 'EX', ttlOf(setOptions?.ttl)));
    },
    async delete(key) {
      const deleted = await failOpen.attempt('delete', () => options.redis.del(keyOf(key)));
      return deleted !== null && deleted > 0;
    },
  };
  // Apollo would put its own `apq:` in front of our prefix; the prefix from config is the whole key space.
  return PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(cache);
}
