import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Redis } from '../../platform/redis/redis.ts';
import { createTtlCache } from './ttl-cache.ts';

/**
 * The partner keys and manifests the users subgraph mirrors into Redis under PARTNERS_KEY_PREFIX
 * (subgraphs/users/infra/partner-mirror.ts writes this layout; the gateway only reads it):
 * `key:<sha256 hex of the key>` → `{ appId, keyId, notAfter }`, expiring at `notAfter`;
 * `manifest:<appId>` → hash of operation id → body.
 */
export interface PartnerStore {
  /** The app a key belongs to; null for a malformed, unknown, revoked or ended key. Throws when Redis cannot answer. */
  resolveKey(apiKey: string): Promise<ResolvedPartnerKey | null>;
  /** The body of operation `id` in the app's manifest; null when not listed. Throws when Redis cannot answer. */
  operationBody(appId: string, id: string): Promise<string | null>;
}

export interface ResolvedPartnerKey {
  appId: string;
  keyId: string;
}

/** The key format (subgraphs/users/domain/partner-app.ts): checked before Redis is asked anything. */
const API_KEY_PATTERN = /^shpk_[A-Za-z0-9_-]{43}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const CACHED_ENTRIES = 10_000;
const parseJson = (raw: string): unknown => {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
};
const mirrored = z.object({ appId: z.string(), keyId: z.string(), notAfter: z.string().nullable() });

/**
 * Reads through a per-process cache of `cacheMs`: the longest a revocation, a rotation's end or
 * a new manifest takes to reach this gateway. 0 reads Redis on every request. `redis` is the
 * gateway's shared connection (no client keyPrefix): every key read is `keyPrefix` + the layout above.
 */
export function createPartnerStore(redis: Redis, options: { keyPrefix: string; cacheMs: number; now?: () => number }): PartnerStore {
  const now = options.now ?? Date.now;
  const keyOf = (key: string) => `${options.keyPrefix}${key}`;
  const keys = createTtlCache<ResolvedPartnerKey & { notAfter: number | null }>({ ttlMs: options.cacheMs, maxEntries: CACHED_ENTRIES, now });
  const bodies = createTtlCache<string>({ ttlMs: options.cacheMs, maxEntries: CACHED_ENTRIES, now });
  return {
    async resolveKey(apiKey) {
      if (!API_KEY_PATTERN.test(apiKey)) return null;
      const hash = createHash('sha256').update(apiKey, 'utf8').digest('hex');
      let entry = keys.get(hash);
      if (entry === undefined) {
        const raw = await redis.get(keyOf(`key:${hash}`));
        const parsed = raw === null ? null : mirrored.safeParse(parseJson(raw));
        entry = parsed?.success ? { appId: parsed.data.appId, keyId: parsed.data.keyId, notAfter: parsed.data.notAfter ? Date.parse(parsed.data.notAfter) : null } : null;
        keys.set(hash, entry);
      }
      // Redis expires the entry at notAfter too; this keeps a cached entry from outliving it.
      if (!entry || (entry.notAfter !== null && entry.notAfter <= now())) return null;
      return { appId: entry.appId, keyId: entry.keyId };
    },
    async operationBody(appId, id) {
      if (!SHA256_HEX.test(id)) return null;
      const cacheKey = `${appId}:${id}`;
      let body = bodies.get(cacheKey);
      if (body === undefined) {
        body = await redis.hget(keyOf(`manifest:${appId}`), id);
        bodies.set(cacheKey, body);
      }
      return body;
    },
  };
}
