import { createAccessTokenVerifier } from '../../platform/auth/access-token.ts';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { defineSubgraph, type SubgraphOverrides } from '../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createRedis } from '../../platform/redis/redis.ts';
import { createRequestScope, type CatalogDeps } from './application/catalog-services.ts';
import { loadCatalogConfig, type CatalogConfig } from './config.ts';
import type { CatalogContext } from './context.ts';
import { CategoryRepository } from './infra/category.repository.ts';
import { seedCatalogDemo } from './infra/demo-seed.ts';
import { createCatalogPrisma } from './infra/prisma.ts';
import { ListingCache } from './infra/listing-cache.ts';
import { ProductCache } from './infra/product-cache.ts';
import { ProductRepository } from './infra/product.repository.ts';
import { resolvers } from './resolvers/index.ts';

/**
 * Wires the catalog (Prisma, Redis cache, services, token verifier) and serves it. `close()`
 * stops taking requests, then releases Redis and the database pool.
 */
export async function startCatalogSubgraph(config: CatalogConfig, logger: Logger, overrides: SubgraphOverrides = {}): Promise<RunningSubgraph> {
  const log = logger.child({ component: 'catalog' });
  const prisma = createCatalogPrisma(config.databaseUrl, config.databasePoolSize);
  const redis = createRedis(config.redis, logger);
  const releaseConnections = async () => {
    redis.disconnect();
    await prisma.$disconnect();
  };
  const deps: CatalogDeps = {
    products: new ProductRepository(prisma),
    categories: new CategoryRepository(prisma),
    cache: new ProductCache(redis, config.productCacheTtlSeconds, logger),
    listings: new ListingCache(redis, config.listingCacheTtlSeconds, logger),
  };
  try {
    const server = await startSubgraphServer<CatalogContext>({
      name: 'catalog',
      typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
      resolvers,
      host: config.host,
      port: config.port,
      logger,
      verifier: overrides.verifier ?? createAccessTokenVerifier({ jwksUrl: config.jwksUrl }),
      // Redis is deliberately not a readiness check: without it the catalog still serves from
      // Postgres, so a cache outage must not take every catalog instance out of rotation.
      readiness: [{ name: 'postgres', check: () => prisma.$queryRaw`SELECT 1` }],
      createContext: (base) => ({ ...base, ...createRequestScope(deps, base) }),
    });
    log.info({ url: server.graphqlUrl }, 'catalog subgraph listening');
    return {
      ...server,
      close: async () => {
        await server.close();
        await releaseConnections();
      },
    };
  } catch (error) {
    await releaseConnections();
    throw error;
  }
}

export const subgraph = defineSubgraph({
  name: 'catalog',
  loadConfig: loadCatalogConfig,
  start: startCatalogSubgraph,
  async seedDemo(config, logger, facts) {
    const seeded = await seedCatalogDemo(config, logger, facts.vendorIds);
    return { ...facts, created: facts.created || seeded.created, products: seeded.products };
  },
});
