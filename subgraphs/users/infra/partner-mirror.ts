import type { Logger } from '../../../platform/logging/logger.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { ManifestOperation } from '../domain/partner-app.ts';

/**
 * What the gateway reads to check a partner request, in Redis under PARTNERS_KEY_PREFIX (shared
 * by this subgraph and every gateway instance; the gateway reads the same layout in
 * gateway/partners/partner-store.ts):
 *
 * - `key:<sha256 of the key>` → JSON `{ appId, keyId, notAfter }` (ISO time or null), expiring
 *   (PEXPIREAT) at `notAfter`, so a rotated key disappears on its own at the end of the overlap;
 * - `manifest:<appId>` → hash of operation id → body.
 *
 * Postgres is the truth; this is a copy, rebuilt by `resync` at start-up.
 */
export interface PartnerMirror {
  /** Writes (or rewrites) a usable key; a key whose end has passed is deleted instead. */
  putKey(key: MirroredKey): Promise<void>;
  deleteKeys(hashes: readonly string[]): Promise<void>;
  /** Replaces the app's manifest at once (one MULTI: readers see the old one or the new one). */
  putManifest(appId: string, operations: readonly ManifestOperation[]): Promise<void>;
}

export interface MirroredKey {
  hash: string;
  appId: string;
  keyId: string;
  notAfter: Date | null;
}

export const keyEntry = (hash: string): string => `key:${hash}`;
export const manifestEntry = (appId: string): string => `manifest:${appId}`;

/** `redis` must have the PARTNERS_KEY_PREFIX as its key prefix (its own connection). */
export function createPartnerMirror(redis: Redis, logger: Logger, now: () => Date = () => new Date()): PartnerMirror {
  const log = logger.child({ component: 'PartnerMirror' });
  return {
    async putKey(key) {
      const entry = keyEntry(key.hash);
      if (key.notAfter && key.notAfter.getTime() <= now().getTime()) {
        await redis.del(entry);
        return;
      }
      const value = JSON.stringify({ appId: key.appId, keyId: key.keyId, notAfter: key.notAfter?.toISOString() ?? null });
      const multi = redis.multi().set(entry, value);
      if (key.notAfter) multi.pexpireat(entry, key.notAfter.getTime());
      const results = await multi.exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('Redis refused the key mirror write.');
      log.debug({ keyId: key.keyId, appId: key.appId }, 'partner key mirrored');
    },
    async deleteKeys(hashes) {
      if (hashes.length === 0) return;
      await redis.del(...hashes.map(keyEntry));
    },
    async putManifest(appId, operations) {
      const entry = manifestEntry(appId);
      const multi = redis.multi().del(entry);
      if (operations.length > 0) multi.hset(entry, Object.fromEntries(operations.map((operation) => [operation.id, operation.body])));
      const results = await multi.exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('Redis refused the manifest mirror write.');
      log.debug({ appId, operations: operations.length }, 'partner manifest mirrored');
    },
  };
}
