import type { Logger } from '../../../platform/logging/logger.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { Product } from '../domain/product.ts';
import { FailOpen } from '../../../platform/redis/fail-open.ts';
import { PRODUCT_FORMAT, reviveProduct, storeProduct, type StoredProduct } from './product-codec.ts';

const idKey = (id: string) => `product:id:${id}`;
const slugKey = (slug: string) => `product:slug:${slug}`;

type Cached = StoredProduct & { format: number };

function serialize(product: Product): string {
  const cached: Cached = { ...storeProduct(product), format: PRODUCT_FORMAT };
  return JSON.stringify(cached);
}

function deserialize(text: string): Product | null {
  const { format, ...stored } = JSON.parse(text) as Cached;
  return format === PRODUCT_FORMAT ? reviveProduct(stored) : null;
}

/**
 * Cache-aside for product reads (by id, and slug → id). Redis is an optimisation only: every
 * failure is swallowed and the caller reads Postgres, so a Redis outage slows the catalog down
 * but never breaks it. Writes delete entries after their transaction commits; a read racing a
 * write can put back the old value, which the TTL bounds.
 */
export class ProductCache {
  private readonly logger: Logger;
  private readonly failOpen: FailOpen;

  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    logger: Logger,
  ) {
    this.logger = logger.child({ component: 'ProductCache' });
    this.failOpen = new FailOpen(this.logger, 'product cache');
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Product>> {
    const found = new Map<string, Product>();
    if (ids.length === 0) return found;
    const values = await this.failOpen.attempt('read', () => this.redis.mget(ids.map(idKey)));
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
    await this.failOpen.attempt('write', () => {
      const pipeline = this.redis.pipeline();
      for (const product of products) pipeline.set(idKey(product.id), serialize(product), 'EX', this.ttlSeconds);
      return pipeline.exec();
    });
  }

  /** The product id cached for a slug, or null on a miss. */
  async idForSlug(slug: string): Promise<string | null> {
    return (await this.failOpen.attempt('read', () => this.redis.get(slugKey(slug)))) ?? null;
  }

  async rememberSlug(slug: string, id: string): Promise<void> {
    await this.failOpen.attempt('write', () => this.redis.set(slugKey(slug), id, 'EX', this.ttlSeconds));
  }

  /** Forgets a product after a write: its id entry and every slug it had (old and new). */
  async invalidate(productId: string, slugs: readonly string[]): Promise<void> {
    const done = await this.failOpen.attempt('invalidate', () => this.redis.del(idKey(productId), ...slugs.map(slugKey)));
    if (done === null) {
      this.logger.warn({ productId }, 'could not invalidate a cached product; it may be stale until its TTL ends');
    }
  }
}
