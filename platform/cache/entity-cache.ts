import type { Logger } from '../logging/logger.ts';
import { createFailOpen } from '../redis/fail-open.ts';
import type { Redis } from '../redis/redis.ts';

export interface EntityCacheOptions<T> {
  redis: Redis;
  logger: Logger;
  /** Key prefix of this kind of entry, e.g. `vendor:id` (keys are `vendor:id:<key>`). */
  namespace: string;
  ttlSeconds: number;
  /** Bump when the stored shape changes: entries of another format are then ignored, never misread. */
  format: number;
  /** To a JSON-safe value (Dates as ISO strings and the like). */
  encode(value: T): unknown;
  /** Back from `encode`'s output; may throw on a malformed entry, which then counts as a miss. */
  decode(stored: unknown): T;
}

export interface EntityCache<T> {
  /** The cached entries among these keys (one MGET); missing or unreadable ones are absent. */
  getMany(keys: readonly string[]): Promise<Map<string, T>>;
  setMany(entries: Iterable<readonly [string, T]>): Promise<void>;
  /** Drops entries after a write has committed. */
  invalidate(keys: readonly string[]): Promise<void>;
  /**
   * Cache-aside: the cached entries, then `loadMissing` for the rest, which are stored afterwards.
   * Keys `loadMissing` does not return are absent from the result and not cached (a miss is not
   * remembered, so something created a moment later is found). Concurrent loads of one key in
   * this process share one read.
   */
  load(keys: readonly string[], loadMissing: (missing: string[]) => Promise<ReadonlyMap<string, T>>): Promise<Map<string, T>>;
}

interface Stored {
  f: number;
  v: unknown;
}

/**
 * Entities by key in Redis, shared by every instance of a service (so a write on one instance is
 * seen by all at their next read, which a per-process cache could not promise). Redis only makes
 * reads cheaper: every failure is swallowed (logged once per outage) and the caller reads
 * Postgres. A read racing a write can put the old value back; the TTL bounds that.
 */
export function createEntityCache<T>(options: EntityCacheOptions<T>): EntityCache<T> {
  const log = options.logger.child({ component: 'entity-cache', namespace: options.namespace });
  const failOpen = createFailOpen(log, `${options.namespace} cache`);
  const keyOf = (key: string) => `${options.namespace}:${key}`;
  const inFlight = new Map<string, Promise<T | undefined>>();

  const cache: EntityCache<T> = {
    async getMany(keys) {
      const found = new Map<string, T>();
      if (keys.length === 0) return found;
      const values = await failOpen.attempt('read', () => options.redis.mget(keys.map(keyOf)));
      values?.forEach((text, index) => {
        const key = keys[index];
        if (text === null || key === undefined) return;
        try {
          const stored = JSON.parse(text) as Stored;
          if (stored.f === options.format) found.set(key, options.decode(stored.v));
        } catch (error) {
          log.warn({ err: error, key }, 'unreadable cache entry ignored');
        }
      });
      return found;
    },

    async setMany(entries) {
      const list = [...entries];
      if (list.length === 0) return;
      await failOpen.attempt('write', () => {
        const pipeline = options.redis.pipeline();
        for (const [key, value] of list) {
          const stored: Stored = { f: options.format, v: options.encode(value) };
          pipeline.set(keyOf(key), JSON.stringify(stored), 'EX', options.ttlSeconds);
        }
        return pipeline.exec();
      });
    },

    async invalidate(keys) {
      if (keys.length === 0) return;
      const done = await failOpen.attempt('invalidate', () => options.redis.del(...keys.map(keyOf)));
      if (done === null) log.warn({ keys }, `could not invalidate cache entries; they may be stale for up to ${options.ttlSeconds} s`);
    },

    async load(keys, loadMissing) {
      const unique = [...new Set(keys)];
      const result = await cache.getMany(unique);
      const shared: [string, Promise<T | undefined>][] = [];
      const missing: string[] = [];
      for (const key of unique) {
        if (result.has(key)) continue;
        const pending = inFlight.get(key);
        if (pending) shared.push([key, pending]);
        else missing.push(key);
      }
      if (missing.length > 0) {
        const loading = loadMissing(missing).then(async (loaded) => {
          await cache.setMany(loaded);
          return loaded;
        });
        const settled = loading.finally(() => {
          for (const key of missing) inFlight.delete(key);
        });
        for (const key of missing) {
          const value = settled.then((loaded) => loaded.get(key));
          // Only concurrent callers await these; the caller that started the load gets its error.
          value.catch(() => undefined);
          inFlight.set(key, value);
        }
        for (const [key, value] of await settled) result.set(key, value);
      }
      for (const [key, pending] of shared) {
        const value = await pending;
        if (value !== undefined) result.set(key, value);
      }
      return result;
    },
  };
  return cache;
}
