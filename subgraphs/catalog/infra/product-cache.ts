import { createEntityCache, type EntityCache } from '../../../platform/cache/entity-cache.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { Product } from '../domain/product.ts';
import { PRODUCT_FORMAT, reviveProduct, storeProduct, type StoredProduct } from './product-codec.ts';

/**
 * Cache-aside for product reads, on the platform entity cache: products by id, and the id a slug
 * names. Writes drop a product's entries after they commit (`forget`). Redis is an optimisation
 * only: when it fails, reads go to Postgres.
 */
export interface ProductCache {
  /** `product:id:<id>` → the product. */
  byId: EntityCache<Product>;
  /** `product:slug:<slug>` → the product's id. */
  idBySlug: EntityCache<string>;
  /** Drops a product's id entry and every slug it had (old and new). */
  forget(productId: string, slugs: readonly string[]): Promise<void>;
}

/** Bump when the stored slug entry changes shape. */
const SLUG_FORMAT = 1;

export function createProductCache(redis: Redis, ttlSeconds: number, logger: Logger): ProductCache {
  const byId = createEntityCache<Product>({
    redis,
    logger,
    namespace: 'product:id',
    ttlSeconds,
    format: PRODUCT_FORMAT,
    encode: storeProduct,
    decode: (stored) => reviveProduct(stored as StoredProduct),
  });
  const idBySlug = createEntityCache<string>({
    redis,
    logger,
    namespace: 'product:slug',
    ttlSeconds,
    format: SLUG_FORMAT,
    encode: (id) => id,
    decode: (stored) => {
      if (typeof stored !== 'string') throw new TypeError('a product slug entry holds an id');
      return stored;
    },
  });
  return {
    byId,
    idBySlug,
    async forget(productId, slugs) {
      await Promise.all([byId.invalidate([productId]), idBySlug.invalidate(slugs)]);
    },
  };
}
