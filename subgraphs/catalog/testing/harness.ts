import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { createLogger, type Logger } from '../../../platform/logging/logger.ts';
import { closeRedis, createRedis, waitForRedis, type Redis } from '../../../platform/redis/redis.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import type { CatalogScope } from '../application/scope.ts';
import { createCatalogApp, type CatalogApp, type CatalogDeps, type CatalogServices } from '../application/services.ts';
import { createCategoryRepository, type CategoryRepository } from '../infra/category.repository.ts';
import { createListingCache, type ListingCache } from '../infra/listing-cache.ts';
import { createCatalogPrisma, type CatalogPrisma } from '../infra/prisma.ts';
import { createProductCache, type ProductCache } from '../infra/product-cache.ts';
import { createProductRepository, type ProductRepository } from '../infra/product.repository.ts';

/** What the app asked Postgres for since the harness started, so specs can tell a cache hit from a miss. */
export interface ReadCounts {
  /** `products.findByIds` calls: one product query each. */
  productQueries: number;
  /** The ids those calls asked for. */
  productIds: number;
  /** Listing pages (`products.page`). */
  pages: number;
  /** Facet reads (`products.facets`). */
  facets: number;
  /** `categories.findByIds` calls: one category query each. */
  categoryQueries: number;
}

/**
 * The catalog app over the real test database and Redis, for the `*.spec.ts` files. Production
 * never imports this.
 */
export interface CatalogHarness {
  /** Built once, like app.ts does, over counting repositories. */
  app: CatalogApp;
  services: CatalogServices;
  /** One request's scope: the viewer (anonymous by default) with fresh loaders. */
  scope(viewer?: Viewer | null): CatalogScope;
  /** One request as the server builds it, to scope with another app (`appWith(…).scopeFor(…)`). */
  request(viewer?: Viewer | null): BaseRequestContext;
  /** Another app over the same counting repositories with other caches (a second instance, caches on the dead Redis). */
  appWith(caches: Partial<Pick<CatalogDeps, 'cache' | 'listings'>>): CatalogApp;
  reads: ReadCounts;
  products: ProductRepository;
  categories: CategoryRepository;
  cache: ProductCache;
  listings: ListingCache;
  prisma: CatalogPrisma;
  /** This harness' own key space in the test Redis. */
  redis: Redis;
  /** A Redis where nothing listens, for the fail-open specs. */
  deadRedis: Redis;
  logger: Logger;
  close(): Promise<void>;
}

/** `scope` names the spec's own Redis key space (a fresh one per harness); the database is the test one. */
export async function createCatalogHarness(options: { scope: string }): Promise<CatalogHarness> {
  const logger = createLogger({ service: `catalog-${options.scope}`, level: 'silent', pretty: false });
  const prisma = createCatalogPrisma(testDatabaseUrl('catalog'), 4);
  const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: testRedisPrefix(`catalog-${options.scope}-${randomUUID().slice(0, 8)}`) }, logger);
  await waitForRedis(redis);
  const deadRedis = createRedis({ url: 'redis://127.0.0.1:6390', keyPrefix: 'nothing-listens:' }, logger);
  const reads: ReadCounts = { productQueries: 0, productIds: 0, pages: 0, facets: 0, categoryQueries: 0 };
  const productRepository = createProductRepository(prisma);
  const categoryRepository = createCategoryRepository(prisma);
  const products: ProductRepository = {
    ...productRepository,
    findByIds(ids) {
      reads.productQueries += 1;
      reads.productIds += ids.length;
      return productRepository.findByIds(ids);
    },
    page(query) {
      reads.pages += 1;
      return productRepository.page(query);
    },
    facets(scope, filter, limit) {
      reads.facets += 1;
      return productRepository.facets(scope, filter, limit);
    },
  };
  const categories: CategoryRepository = {
    ...categoryRepository,
    findByIds(ids) {
      reads.categoryQueries += 1;
      return categoryRepository.findByIds(ids);
    },
  };
  const cache = createProductCache(redis, 60, logger);
  const listings = createListingCache(redis, 30, logger);
  const appWith = (caches: Partial<Pick<CatalogDeps, 'cache' | 'listings'>>) => createCatalogApp({ products, categories, cache, listings, ...caches });
  const app = appWith({});
  const request = (viewer: Viewer | null = null): BaseRequestContext => ({
    requestId: randomUUID(),
    logger,
    viewer,
    accessToken: null,
    clientIp: '127.0.0.1',
  });
  return {
    app,
    services: app.services,
    scope: (viewer) => app.scopeFor(request(viewer)),
    request,
    appWith,
    reads,
    products,
    categories,
    cache,
    listings,
    prisma,
    redis,
    deadRedis,
    logger,
    async close() {
      await closeRedis(redis);
      deadRedis.disconnect();
      await prisma.$disconnect();
    },
  };
}
