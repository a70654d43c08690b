import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { createLogger, type Logger } from '../../../platform/logging/logger.ts';
import { closeRedis, createRedis, waitForRedis, type Redis } from '../../../platform/redis/redis.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from '../../../test/support/test-env.ts';
import type { CatalogScope } from '../application/scope.ts';
import { createCatalogApp, type CatalogApp, type CatalogAppDeps, type CatalogServices } from '../application/services.ts';
import { createCategoryRepository, type CategoryRepository } from '../infra/category.repository.ts';
import { createListingCache } from '../infra/listing-cache.ts';
import { createVendorSuspensionRepository } from '../infra/vendor-suspension.repository.ts';
import { createCatalogPrisma, type CatalogPrisma } from '../infra/prisma.ts';
import { createProductCache } from '../infra/product-cache.ts';
import { createProductRepository, type ProductRepository } from '../infra/product.repository.ts';
import { testRequestContext } from '../../../platform/testing/request-context.ts';

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
 * The catalog app (createCatalogApp) over the test database and Redis, for the `*.spec.ts` files.
 * Production never imports this.
 */
export interface CatalogHarness {
  app: CatalogApp;
  services: CatalogServices;
  /**
   * What the app was built from (repositories that count their reads, caches on `redis`), to
   * build a variant: another instance, or caches on the dead Redis.
   */
  deps: CatalogAppDeps;
  /** A request as the subgraph server builds it: this viewer (anonymous by default), a fresh request id. */
  request(viewer?: Viewer | null): BaseRequestContext;
  /** The request's scope as a resolver gets it (`app.scopeFor(request(…))`): fresh loaders. */
  scope(viewer?: Viewer | null): CatalogScope;
  reads: ReadCounts;
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
  const deps: CatalogAppDeps = {
    products,
    categories,
    cache: createProductCache(redis, 60, logger),
    listings: createListingCache(redis, 30, logger),
    suspensions: createVendorSuspensionRepository(prisma),
  };
  const app = createCatalogApp(deps);
  const request = (viewer: Viewer | null = null): BaseRequestContext => testRequestContext(logger, viewer);
  return {
    app,
    services: app.services,
    deps,
    request,
    scope: (viewer) => app.scopeFor(request(viewer)),
    reads,
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
