import { createAccessTokenVerifier } from '../../platform/auth/access-token.ts';
import { openSessionRevocations } from '../../platform/auth/session-revocations.ts';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { createInternalReadClient, createServiceSigning } from '../../platform/http/internal-read.ts';
import { defineSubgraph, type SubgraphOverrides } from '../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createMessagingConnection, rabbitmqReadiness } from '../../platform/messaging/connection.ts';
import { createInboxConsumer } from '../../platform/messaging/inbox-consumer.ts';
import { startConsumer } from '../../platform/messaging/start-consumer.ts';
import { createOutboxRelay } from '../../platform/messaging/outbox.ts';
import { createBusRetentionJob } from '../../platform/messaging/retention.ts';
import { postgresReadiness } from '../../platform/prisma/pg-adapter.ts';
import { SAGA_CONSUMER } from './application/checkout-saga.ts';
import { systemClock } from './application/clock.ts';
import { createOrdersApp } from './application/services.ts';
import { loadOrdersConfig, type OrdersConfig } from './config.ts';
import type { OrdersContext } from './context.ts';
import { createCartReader, createCatalogReader } from './infra/internal-reads.ts';
import { createOrderRepository } from './infra/order.repository.ts';
import { createOrdersDatabase } from './infra/prisma.ts';
import { resolvers } from './resolvers/index.ts';
import { createRelaySqlPool } from '../../platform/prisma/sql-pool.ts';

/**
 * Saga replies delivered and not yet handled: the replies of every step share batches (one
 * transaction in flight, see checkout-saga.ts), so this bounds a batch, and a reply handled alone
 * (a failed batch's retries) holds one connection of the saga's pool.
 */
const SAGA_PREFETCH = 30;
const SAGA_POOL_SIZE = 10;

/**
 * Wires the orders subgraph: its database pools (requests, saga, relay), the reads of cart and catalog, the outbox relay, the checkout
 * saga's consumer and its timeout sweeper, and serves it. `close()` stops taking requests, stops
 * the sweeper, the consumer and the relay, then the broker connection and the database pool.
 */
export async function startOrdersSubgraph(config: OrdersConfig, logger: Logger, overrides: SubgraphOverrides = {}): Promise<RunningSubgraph> {
  const db = createOrdersDatabase(config.databaseUrl, config.databasePoolSize);
  const sessions = openSessionRevocations(config.sessionRevocations, logger);
  const { signer } = createServiceSigning(config, logger);
  const reader = (baseUrl: string) => createInternalReadClient({ baseUrl, signer, timeoutMs: config.internalReadTimeoutMs, logger });
  const rabbitmq = createMessagingConnection(config.messaging, logger);
  // Saga commands and order events leave through the outbox; the relay runs in this process.
  const relayDb = createRelaySqlPool(config.databaseUrl);
  const relay = createOutboxRelay({ db: relayDb, connection: rabbitmq, prefix: config.messaging.prefix, logger, pollMs: config.messaging.outboxPollMs, batchWaitMs: config.messaging.batchWaitMs });
  relay.start();
  const orders = createOrderRepository(db);
  const app = createOrdersApp({
    orders,
    cart: createCartReader(reader(config.cartInternalUrl)),
    catalog: createCatalogReader(reader(config.catalogInternalUrl)),
    settings: {
      shippingFlatFee: config.shippingFlatFee,
      taxRates: config.taxRates,
      stepTimeoutMs: config.sagaStepTimeoutMs,
      reservationTtlSeconds: config.reservationTtlSeconds,
    },
    logger,
    clock: systemClock,
    onSent: () => relay.nudge(),
  });
  // The saga's replies on a pool of their own: a burst of placements queueing for the request pool
  // never holds up the orders already placed.
  const sagaDb = createOrdersDatabase(config.databaseUrl, SAGA_POOL_SIZE);
  const saga = createInboxConsumer({
    db: sagaDb,
    connection: rabbitmq,
    prefix: config.messaging.prefix,
    name: SAGA_CONSUMER,
    handlers: app.saga.handlers,
    logger,
    deliveryLimit: config.messaging.deliveryLimit,
    batchWaitMs: config.messaging.batchWaitMs,
    prefetch: SAGA_PREFETCH,
  });
  await startConsumer(saga, logger);
  app.sweeper.start(config.sagaSweepIntervalMs);
  // Published outbox rows and handled inbox rows are deleted by age (platform/messaging/retention.ts).
  const retention = createBusRetentionJob({ db, tables: ['outbox_message', 'inbox_message'], settings: config.retention, logger });
  retention.start();
  try {
    return await startSubgraphServer<OrdersContext>({
      name: 'orders',
      typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
      resolvers,
      settings: config,
      logger,
      verifier: overrides.verifier ?? createAccessTokenVerifier({ jwksUrl: config.jwksUrl }, { policy: config.tokenPolicy, sessions }),
      readiness: [postgresReadiness(db), rabbitmqReadiness(rabbitmq)],
      resources: [
        { name: 'session revocations', close: () => sessions.close() },
        // The sweeper and handlers in flight finish their transactions, the relay its batch, before
        // the broker and the pool close.
        { name: 'saga sweeper', close: () => app.sweeper.stop() },
        { name: 'saga consumer', close: () => saga.stop() },
        { name: 'outbox relay', close: () => relay.stop() },
        { name: 'retention job', close: () => retention.stop() },
        { name: 'rabbitmq', close: () => rabbitmq.close() },
        { name: 'postgres (relay)', close: () => relayDb.$disconnect() },
        { name: 'postgres (saga)', close: () => sagaDb.$disconnect() },
        { name: 'postgres', close: () => db.$disconnect() },
      ],
      createContext: (base, signal) => ({ ...app.scopeFor(base, signal), services: app.services }),
    });
  } catch (error) {
    await retention.stop();
    await app.sweeper.stop();
    await saga.stop();
    await relay.stop();
    await rabbitmq.close();
    await sessions.close();
    await relayDb.$disconnect();
    await sagaDb.$disconnect();
    await db.$disconnect();
    throw error;
  }
}

export const subgraph = defineSubgraph({
  name: 'orders',
  loadConfig: loadOrdersConfig,
  start: startOrdersSubgraph,
  // No demo orders: they come from checking out the demo carts (the README's journey).
  seedDemo: async (_config, _logger, facts) => facts,
});
