import { createAccessTokenVerifier } from '../../platform/auth/access-token.ts';
import { openSessionRevocations } from '../../platform/auth/session-revocations.ts';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { defineSubgraph, type SubgraphOverrides } from '../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createMessagingConnection, rabbitmqReadiness } from '../../platform/messaging/connection.ts';
import { createInboxConsumer } from '../../platform/messaging/inbox-consumer.ts';
import { startConsumer } from '../../platform/messaging/start-consumer.ts';
import { createBusRetentionJob } from '../../platform/messaging/retention.ts';
import { createServiceSigning, internalReadRoute } from '../../platform/http/internal-read.ts';
import { postgresReadiness } from '../../platform/prisma/pg-adapter.ts';
import { closeRedis, createRedis } from '../../platform/redis/redis.ts';
import { createCatalogApp } from './application/services.ts';
import { createVariantRead, variantReadBody } from './application/variant-read.ts';
import { VENDOR_STATUS_CONSUMER, vendorStatusHandlers } from './application/vendor-status.handlers.ts';
import { loadCatalogConfig, type CatalogConfig } from './config.ts';
import type { CatalogContext } from './context.ts';
import { createCategoryRepository } from './infra/category.repository.ts';
import { buildDemoCatalog, demoVariantsOnSale, seedCatalogDemo } from './infra/demo-seed.ts';
import { createListingCache } from './infra/listing-cache.ts';
import { createCatalogPrisma } from './infra/prisma.ts';
import { createProductCache } from './infra/product-cache.ts';
import { createProductRepository } from './infra/product.repository.ts';
import { createVendorSuspensionRepository } from './infra/vendor-suspension.repository.ts';
import { resolvers } from './resolvers/index.ts';

/**
 * Wires the catalog (Prisma, Redis caches, services, the vendor status consumer, the retention job,
 * token verifier) and serves it. `close()` stops taking requests, the consumer and the retention
 * job, then releases RabbitMQ, Redis and the database pool.
 */
export async function startCatalogSubgraph(config: CatalogConfig, logger: Logger, overrides: SubgraphOverrides = {}): Promise<RunningSubgraph> {
  const prisma = createCatalogPrisma(config.databaseUrl, config.databasePoolSize);
  const redis = createRedis(config.redis, logger);
  const sessions = openSessionRevocations(config.sessionRevocations, logger);
  const listings = createListingCache(redis, config.listingCacheTtlSeconds, logger);
  const suspensions = createVendorSuspensionRepository(prisma);
  const products = createProductRepository(prisma);
  const variantRead = createVariantRead({ products });
  const app = createCatalogApp({
    products,
    categories: createCategoryRepository(prisma),
    cache: createProductCache(redis, config.productCacheTtlSeconds, logger),
    listings,
    suspensions,
  });
  const rabbitmq = createMessagingConnection(config.messaging, logger);
  const vendorStatus = createInboxConsumer({
    db: prisma,
    connection: rabbitmq,
    prefix: config.messaging.prefix,
    name: VENDOR_STATUS_CONSUMER,
    handlers: vendorStatusHandlers({ suspensions, listings, logger }),
    logger,
    deliveryLimit: config.messaging.deliveryLimit,
    batchWaitMs: config.messaging.batchWaitMs,
  });
  await startConsumer(vendorStatus, logger);
  const retention = createBusRetentionJob({ db: prisma, tables: ['inbox_message'], settings: config.retention, logger });
  retention.start();
  return startSubgraphServer<CatalogContext>({
    name: 'catalog',
    typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
    resolvers,
    settings: config,
    logger,
    verifier: overrides.verifier ?? createAccessTokenVerifier({ jwksUrl: config.jwksUrl }, { policy: config.tokenPolicy, sessions }),
    // Redis is deliberately not a readiness check: without it the catalog still serves from
    // Postgres, so a cache outage must not take every catalog instance out of rotation.
    readiness: [postgresReadiness(prisma), rabbitmqReadiness(rabbitmq)],
    internalRoutes: {
      // Carts and checkout read names, prices and on-sale state here (never from a client).
      '/internal/variants': internalReadRoute({ body: variantReadBody, verifier: createServiceSigning(config, logger).verifier, logger, handle: (body) => variantRead.read(body) }),
    },
    resources: [
      { name: 'session revocations', close: () => sessions.close() },
      // Handlers in flight finish (they need Postgres and Redis) before those close.
      { name: 'vendor status consumer', close: () => vendorStatus.stop() },
      { name: 'retention job', close: () => retention.stop() },
      { name: 'rabbitmq', close: () => rabbitmq.close() },
      { name: 'redis', close: () => closeRedis(redis) },
      { name: 'postgres', close: () => prisma.$disconnect() },
    ],
    createContext: (base, signal) => ({ ...app.scopeFor(base, signal), services: app.services }),
  });
}

export const subgraph = defineSubgraph({
  name: 'catalog',
  loadConfig: loadCatalogConfig,
  start: startCatalogSubgraph,
  async seedDemo(config, logger, facts) {
    const seeded = await seedCatalogDemo(config, logger, facts.vendorIds);
    // The demo catalog is a pure function of the vendors, so its variants are known even when the
    // database was seeded by an earlier run (inventory stocks them).
    const variants = facts.vendorIds.length > 0 ? demoVariantsOnSale(buildDemoCatalog(facts.vendorIds)) : [];
    return { ...facts, created: facts.created || seeded.created, products: seeded.products, variants };
  },
});
