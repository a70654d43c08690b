import type { Logger } from '../../../platform/logging/logger.ts';
import { money, type Money } from '../../../platform/money/money.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { Product } from '../domain/product.ts';

/** Bump when the cached shape changes: old entries are then ignored instead of misread. */
const FORMAT = 1;

const idKey = (id: string) => `product:id:${id}`;
const slugKey = (slug: string) => `product:slug:${slug}`;

type Cached = Omit<Product, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string; format: number };

function serialize(product: Product): string {
  const cached: Cached = { ...product, createdAt: product.createdAt.toISOString(), updatedAt: product.updatedAt.toISOString(), format: FORMAT };
  return JSON.stringify(cached);
}

const revive = (value: Money): Money => money(value.amount, value.currency);

function deserialize(text: string): Product | null {
  const { format, ...cached } = JSON.parse(text) as Cached;
  if (format !== FORMAT) return null;
  return {
    ...cached,
    priceRange: { min: revive(cached.priceRange.min), max: revive(cached.priceRange.max) },
    variants: cached.variants.map((variant) => ({
      ...variant,
      price: revive(variant.price),
      compareAtPrice: variant.compareAtPrice ? revive(variant.compareAtPrice) : null,
    })),
    createdAt: new Date(cached.createdAt),
    updatedAt: new Date(cached.updatedAt),
  };
}

/**
 * Cache-aside for product reads (by id, and slug → id). Redis is an optimisation only: every
 * failure is swallowed and the caller reads Postgres, so a Redis outage slows the catalog down
 * but never breaks it. Writes delete entries after their transaction commits; a read racing a
 * write can put back the old value, which the TTL bounds.
 */
export class ProductCache {
  private degraded = false;
  private readonly logger: Logger;

  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    logger: Logger,
  ) {
    this.logger = logger.child({ component: 'ProductCache' });
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Product>> {
    const found = new Map<string, Product>();
    if (ids.length === 0) return found;
    const values = await this.attempt('read', () => this.redis.mget(ids.map(idKey)));
    values?.forEach((value, index) => {
      const id = ids[index];
      if (value === null || id === undefined) return;
      try {
        const product = deserialize(value);
        if (product) found.set(id, product);
      } catch (error) {
        this.logger.warn({ err: error, productId: id }, 'unreadable product cache entry ignored');
      }
    });
    return found;
  }

  async setMany(products: readonly Product[]): Promise<void> {
    if (products.length === 0) return;
    await this.attempt('write', () => {
      const pipeline = this.redis.pipeline();
      for (const product of products) pipeline.set(idKey(product.id), serialize(product), 'EX', this.ttlSeconds);
      return pipeline.exec();
    });
  }

  /** The product id cached for a slug, or null on a miss. */
  async idForSlug(slug: string): Promise<string | null> {
    return (await this.attempt('read', () => this.redis.get(slugKey(slug)))) ?? null;
  }

  async rememberSlug(slug: string, id: string): Promise<void> {
    await this.attempt('write', () => this.redis.set(slugKey(slug), id, 'EX', this.ttlSeconds));
  }

  /** Forgets a product after a write: its id entry and every slug it had (old and new). */
  async invalidate(productId: string, slugs: readonly string[]): Promise<void> {
    const done = await this.attempt('invalidate', () => this.redis.del(idKey(productId), ...slugs.map(slugKey)));
    if (done === null) {
      this.logger.warn({ productId }, 'could not invalidate a cached product; it may be stale until its TTL ends');
    }
  }

  private async attempt<T>(operation: string, run: () => Promise<T>): Promise<T | null> {
    try {
      const result = await run();
      if (this.degraded) {
        this.degraded = false;
        this.logger.info('product cache available again');
      }
      return result;
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.logger.warn({ err: error instanceof Error ? error.message : String(error), operation }, 'product cache unavailable; reading from Postgres');
      }
      return null;
    }
  }
}
