import type { Logger } from '../../../platform/logging/logger.ts';
import { FailOpen } from '../../../platform/redis/fail-open.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { Vendor } from '../domain/models.ts';

/** Bump when the stored shape changes: entries of another format are then ignored, never misread. */
const FORMAT = 1;
const idKey = (id: string) => `vendor:id:${id}`;

type Stored = Omit<Vendor, 'decidedAt' | 'createdAt' | 'updatedAt'> & {
  decidedAt: string | null;
  createdAt: string;
  updatedAt: string;
  format: number;
};

function serialize(vendor: Vendor): string {
  const stored: Stored = {
    ...vendor,
    decidedAt: vendor.decidedAt?.toISOString() ?? null,
    createdAt: vendor.createdAt.toISOString(),
    updatedAt: vendor.updatedAt.toISOString(),
    format: FORMAT,
  };
  return JSON.stringify(stored);
}

function deserialize(text: string): Vendor | null {
  const { format, ...stored } = JSON.parse(text) as Stored;
  if (format !== FORMAT) return null;
  return {
    ...stored,
    decidedAt: stored.decidedAt === null ? null : new Date(stored.decidedAt),
    createdAt: new Date(stored.createdAt),
    updatedAt: new Date(stored.updatedAt),
  };
}

export interface VendorCache {
  /** The cached stores among these ids (one MGET); missing ones are simply absent. */
  getMany(ids: readonly string[]): Promise<Map<string, Vendor>>;
  setMany(vendors: readonly Vendor[]): Promise<void>;
  /** Drops the entries after a write has committed. */
  invalidate(ids: readonly string[]): Promise<void>;
}

/**
 * Cache-aside for stores by id, shared by every users instance (so a suspension is seen by all
 * of them at once, which a per-process cache could not promise). Redis is an optimisation only:
 * every failure is swallowed (logged once per outage) and the caller reads Postgres. A read
 * racing a write can put back the old entry; the TTL bounds that.
 */
export function createVendorCache(redis: Redis, ttlSeconds: number, logger: Logger): VendorCache {
  const log = logger.child({ component: 'vendor-cache' });
  const failOpen = new FailOpen(log, 'vendor cache');
  const attempt = <T>(operation: string, run: () => Promise<T>) => failOpen.attempt(operation, run);

  return {
    async getMany(ids) {
      const found = new Map<string, Vendor>();
      if (ids.length === 0) return found;
      const values = await attempt('read', () => redis.mget(ids.map(idKey)));
      values?.forEach((value, index) => {
        const id = ids[index];
        if (value === null || id === undefined) return;
        try {
          const vendor = deserialize(value);
          if (vendor) found.set(id, vendor);
        } catch (error) {
          log.warn({ err: error, vendorId: id }, 'unreadable vendor cache entry ignored');
        }
      });
      return found;
    },
    async setMany(vendors) {
      if (vendors.length === 0) return;
      await attempt('write', () => {
        const pipeline = redis.pipeline();
        for (const vendor of vendors) pipeline.set(idKey(vendor.id), serialize(vendor), 'EX', ttlSeconds);
        return pipeline.exec();
      });
    },
    async invalidate(ids) {
      if (ids.length === 0) return;
      const done = await attempt('invalidate', () => redis.del(...ids.map(idKey)));
      if (done === null) log.warn({ vendorIds: ids }, `could not invalidate a cached store; it may be stale for up to ${ttlSeconds} s`);
    },
  };
}
