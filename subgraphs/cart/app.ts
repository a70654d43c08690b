import { createAccessTokenVerifier } from '../../platform/auth/access-token.ts';
import { openSessionRevocations } from '../../platform/auth/session-revocations.ts';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { createInternalReadClient, createServiceSigning, internalReadRoute } from '../../platform/http/internal-read.ts';
import { defineSubgraph, type SubgraphOverrides } from '../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createMessagingConnection, rabbitmqReadiness } from '../../platform/messaging/connection.ts';
import { createInboxConsumer } from '../../platform/messaging/inbox-consumer.ts';
import { startConsumer } from '../../platform/messaging/start-consumer.ts';
import { createBusRetentionJob } from '../../platform/messaging/retention.ts';
import { postgresReadiness } from '../../platform/prisma/pg-adapter.ts';
import { checkoutCartBody, createCheckoutCartRead } from './application/checkout-read.ts';
import { systemClock } from './application/clock.ts';
import { createGuestCartSweeper } from './application/guest-cart-sweeper.ts';
import { CART_ORDERS_CONSUMER, orderEventHandlers } from './application/order-events.handlers.ts';
import { createCartApp } from './application/services.ts';
import { loadCartConfig, type CartConfig } from './config.ts';
import type { CartContext } from './context.ts';
import { createCartRepository } from './infra/cart.repository.ts';
import { createCatalogReader, createInventoryReader } from './infra/owner-reads.ts';
import { createCartDatabase } from './infra/prisma.ts';
import { resolvers } from './resolvers/index.ts';

/**
 * Wires the cart (its database, catalog's and inventory's internal reads, the order consumer, the guest
 * cart sweeper, the retention job, token verifier) and serves it. `close()` stops taking requests,
 * stops the sweeper, the consumer and the retention job, then releases RabbitMQ and the database pool.
 */
export async function startCartSubgraph(config: CartConfig, logger: Logger, overrides: SubgraphOverrides = {}): Promise<RunningSubgraph> {
  const db = createCartDatabase(config.databaseUrl, config.databasePoolSize);
  const sessions = openSessionRevocations(config.sessionRevocations, logger);
  const signing = createServiceSigning(config, logger);
  const reader = (baseUrl: string) => createInternalReadClient({ baseUrl, signer: signing.signer, timeoutMs: config.internalReadTimeoutMs, logger });
  const carts = createCartRepository(db);
  const app = createCartApp({
    carts,
    catalog: createCatalogReader(reader(config.catalogInternalUrl)),
    inventory: createInventoryReader(reader(config.inventoryInternalUrl)),
    guestCartTtlMs: config.guestCartTtlMs,
    clock: systemClock,
  });
  const checkoutRead = createCheckoutCartRead({ carts });
  const sweeper = createGuestCartSweeper({ carts, clock: systemClock, logger });
  const rabbitmq = createMessagingConnection(config.messaging, logger);
  const orderEvents = createInboxConsumer({
    db,
    connection: rabbitmq,
    prefix: config.messaging.prefix,
    name: CART_ORDERS_CONSUMER,
    handlers: orderEventHandlers({ carts, logger }),
    logger,
    deliveryLimit: config.messaging.deliveryLimit,
    batchWaitMs: config.messaging.batchWaitMs,
  });
  await startConsumer(orderEvents, logger);
  sweeper.start(config.guestCartSweepIntervalMs);
  const retention = createBusRetentionJob({ db, tables: ['inbox_message'], settings: config.retention, logger });
  retention.start();
  try {
    return await startSubgraphServer<CartContext>({
      name: 'cart',
      typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
      resolvers,
      settings: config,
      logger,
      verifier: overrides.verifier ?? createAccessTokenVerifier({ jwksUrl: config.jwksUrl }, { policy: config.tokenPolicy, sessions }),
      // Catalog and inventory are not readiness checks: a cart instance cannot fix their outage,
      // and taking every cart out of rotation with them would only add to it.
      readiness: [postgresReadiness(db), rabbitmqReadiness(rabbitmq)],
      internalRoutes: {
        // Orders reads the cart being checked out here (names and prices it reads from catalog itself).
        '/internal/carts/checkout': internalReadRoute({ body: checkoutCartBody, verifier: signing.verifier, logger, handle: (body) => checkoutRead.read(body) }),
      },
      resources: [
        // Before the pool closes, so a sweep in progress finishes.
        { name: 'guest cart sweeper', close: () => sweeper.stop() },
        { name: 'session revocations', close: () => sessions.close() },
        // Handlers in flight finish (they need Postgres) before it closes.
        { name: 'order consumer', close: () => orderEvents.stop() },
      { name: 'retention job', close: () => retention.stop() },
        { name: 'rabbitmq', close: () => rabbitmq.close() },
        { name: 'postgres', close: () => db.$disconnect() },
      ],
      createContext: (base, signal) => ({ ...app.scopeFor(base, signal), services: app.services }),
    });
  } catch (error) {
    await retention.stop();
    await sweeper.stop();
    throw error;
  }
}

export const subgraph = defineSubgraph({
  name: 'cart',
  loadConfig: loadCartConfig,
  start: startCartSubgraph,
  // Carts are the shoppers' own: there is no demo data to seed.
  seedDemo: (_config, _logger, facts) => Promise.resolve(facts),
});
