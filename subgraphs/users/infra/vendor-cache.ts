import { createEntityCache, type EntityCache } from '../../../platform/cache/entity-cache.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { Vendor } from '../domain/vendor.ts';

/** Stores by id (`vendor:id:<id>`), for federated references; every store write drops its entry. */
export type VendorCache = EntityCache<Vendor>;

type StoredVendor = Omit<Vendor, 'decidedAt' | 'createdAt' | 'updatedAt'> & { decidedAt: string | null; createdAt: string; updatedAt: string };

/**
 * Shared by every users instance, so a suspension is seen by all of them at their next read.
 * Misses are not cached: a store created a moment later must resolve.
 */
export function createVendorCache(redis: Redis, ttlSeconds: number, logger: Logger): VendorCache {
  return createEntityCache<Vendor>({
    redis,
    logger,
    namespace: 'vendor:id',
    ttlSeconds,
    format: 1,
    encode: (vendor): StoredVendor => ({
      ...vendor,
      decidedAt: vendor.decidedAt?.toISOString() ?? null,
      createdAt: vendor.createdAt.toISOString(),
      updatedAt: vendor.updatedAt.toISOString(),
    }),
    decode: (stored) => {
      const vendor = stored as StoredVendor;
      return {
        ...vendor,
        decidedAt: vendor.decidedAt === null ? null : new Date(vendor.decidedAt),
        createdAt: new Date(vendor.createdAt),
        updatedAt: new Date(vendor.updatedAt),
      };
    },
  });
}
