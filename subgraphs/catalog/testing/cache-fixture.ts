import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { createLogger, type Logger } from '../../../platform/logging/logger.ts';
import { createRedis, waitForRedis, type Redis } from '../../../platform/redis/redis.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import { createCatalogLoaders } from '../application/catalog-loaders.ts';
import { CatalogQueryService } from '../application/catalog-query.service.ts';
import { ProductService } from '../application/product.service.ts';
import type { ListingScope, ProductFilter, ProductListQuery } from '../domain/product-listing.ts';
import type { Product } from '../domain/product.ts';
import { CategoryRepository } from '../infra/category.repository.ts';
import { ListingCache } from '../infra/listing-cache.ts';
import { createCatalogPrisma, type CatalogPrisma } from '../infra/prisma.ts';
import { ProductCache } from '../infra/product-cache.ts';
import { ProductRepository, type FacetCount } from '../infra/product.repository.ts';

/** Counts the reads that reach Postgres, so cache specs can tell a hit from a miss. */
export class CountingProductRepository extends ProductRepository {
  reads = 0;
  pages = 0;
  facetReads = 0;
  override async findByIds(ids: readonly string[]): Promise<Product[]> {
    this.reads += ids.length;
    return super.findByIds(ids);
  }
  override async page(query: ProductListQuery) {
    this.pages += 1;
    return super.page(query);
  }
  override async facets(scope: ListingScope, filter: ProductFilter, limit: number): Promise<{ categories: FacetCount[]; vendors: FacetCount[] }> {
    this.facetReads += 1;
    return super.facets(scope, filter, limit);
  }
}

/** The catalog's caches over the real test database and Redis, plus a Redis where nothing listens. */
export interface CacheFixture {
  logger: Logger;
  prisma: CatalogPrisma;
  redis: Redis;
  deadRedis: Redis;
  products: CountingProductRepository;
  categories: CategoryRepository;
  productCache: ProductCache;
  listings: ListingCache;
  /** What one request sees: fresh loaders and services over the shared caches (or the ones given). */
  request(
    viewer?: Viewer | null,
    caches?: { productCache?: ProductCache; listings?: ListingCache },
  ): { loaders: ReturnType<typeof createCatalogLoaders>; queries: CatalogQueryService; writes: ProductService };
  close(): Promise<void>;
}

export async function createCacheFixture(name: string): Promise<CacheFixture> {
  const logger = createLogger({ service: name, level: 'silent', pretty: false });
  const prisma = createCatalogPrisma(testDatabaseUrl('catalog'), 4);
  const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`${name}-${randomUUID().slice(0, 8)}`) }, logger);
  await waitForRedis(redis);
  const deadRedis = createRedis({ url: 'redis://127.0.0.1:6390', keyPrefix: 'nothing-listens:' }, logger);
  const products = new CountingProductRepository(prisma);
  const categories = new CategoryRepository(prisma);
  const productCache = new ProductCache(redis, 60, logger);
  const listings = new ListingCache(redis, 30, logger);
  return {
    logger,
    prisma,
    redis,
    deadRedis,
    products,
    categories,
    productCache,
    listings,
    request(viewer = null, caches = {}) {
      const deps = { products, categories, cache: caches.productCache ?? productCache, listings: caches.listings ?? listings };
      const loaders = createCatalogLoaders(deps);
      const scope = { viewer, loaders, logger };
      return { loaders, queries: new CatalogQueryService(deps, scope), writes: new ProductService(deps, scope) };
    },
    async close() {
      redis.disconnect();
      deadRedis.disconnect();
      await prisma.$disconnect();
    },
  };
}
