import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logging/logger.ts';
import { closeRedis, createRedis, deleteKeysWithPrefix, waitForRedis, type Redis } from '../../platform/redis/redis.ts';
import { testEnv, testRedisPrefix } from '../../test/support/test-env.ts';
import { createRedisKeyValueCache } from './redis-kv-cache.ts';

const logger = createLogger({ service: 'apq-cache-spec', level: 'silent', pretty: false });

describe('the persisted-query cache in Redis', () => {
  let redis: Redis;
  let dead: Redis;
  const keyPrefix = testRedisPrefix(`apq-${randomUUID().slice(0, 8)}`);

  beforeAll(async () => {
    redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: '' }, logger);
    await waitForRedis(redis);
    // Nothing listens there: every command fails at once (no offline queue).
    dead = createRedis({ url: 'redis://127.0.0.1:6390', keyPrefix: '' }, logger);
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, keyPrefix);
    await closeRedis(redis);
    await closeRedis(dead);
  });

  const cacheOn = (connection: Redis, maxTtlSeconds = 600) =>
    createRedisKeyValueCache({ redis: connection, logger, keyPrefix, maxTtlSeconds, maxValueLength: 100 });

  it('stores under the prefix alone, and another instance over the same Redis finds it', async () => {
    const key = randomUUID();
    await cacheOn(redis).set(key, '{ categories { id } }');
    expect(await redis.get(`${keyPrefix}${key}`)).toBe('{ categories { id } }');
    expect(await cacheOn(redis).get(key)).toBe('{ categories { id } }');
    expect(await cacheOn(redis).get(randomUUID())).toBeUndefined();
  });

  it('keeps a TTL on every key, capped by the configured maximum, also when asked for none', async () => {
    const cache = cacheOn(redis, 600);
    const [short, none, unbounded, long] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await cache.set(short, 'a', { ttl: 30 });
    await cache.set(none, 'b');
    await cache.set(unbounded, 'c', { ttl: null });
    await cache.set(long, 'd', { ttl: 86_400 });
    expect(await redis.ttl(`${keyPrefix}${short}`)).toBeLessThanOrEqual(30);
    expect(await redis.ttl(`${keyPrefix}${short}`)).toBeGreaterThan(0);
    for (const key of [none, unbounded, long]) {
      expect(await redis.ttl(`${keyPrefix}${key}`)).toBeGreaterThan(590);
      expect(await redis.ttl(`${keyPrefix}${key}`)).toBeLessThanOrEqual(600);
    }
  });

  it('does not store a value longer than the limit', async () => {
    const key = randomUUID();
    await cacheOn(redis).set(key, 'x'.repeat(101));
    expect(await redis.exists(`${keyPrefix}${key}`)).toBe(0);
  });

  it('deletes', async () => {
    const key = randomUUID();
    const cache = cacheOn(redis);
    await cache.set(key, 'a');
    expect(await cache.delete(key)).toBe(true);
    expect(await cache.get(key)).toBeUndefined();
  });

  it('fails open while Redis is down: reads miss, writes and deletes are dropped, nothing throws', async () => {
    const cache = cacheOn(dead);
    await expect(cache.get('anything')).resolves.toBeUndefined();
    await expect(cache.set('anything', 'a')).resolves.toBeUndefined();
    await expect(cache.delete('anything')).resolves.toBe(false);
  });
});
