import { createAccessTokenVerifier } from '../../platform/auth/access-token.ts';
import { openSessionRevocations } from '../../platform/auth/session-revocations.ts';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { defineSubgraph, type SubgraphOverrides } from '../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createMessagingConnection, rabbitmqReadiness } from '../../platform/messaging/connection.ts';
import { createInboxConsumer } from '../../platform/messaging/inbox-consumer.ts';
import { startConsumer } from '../../platform/messaging/start-consumer.ts';
import { createOutboxRelay } from '../../platform/messaging/outbox.ts';
import { createBusRetentionJob, rowsOlderThan } from '../../platform/messaging/retention.ts';
import { createServiceSigning, internalReadRoute } from '../../platform/http/internal-read.ts';
import { postgresReadiness } from '../../platform/prisma/pg-adapter.ts';
import { availabilityReadBody, createAvailabilityRead } from './application/availability-read.ts';
import { systemClock } from './application/clock.ts';
import { createReservationBatcher } from './application/reservation-batcher.ts';
import { createReservationSweeper } from './application/reservation-sweeper.ts';
import { INVENTORY_SAGA_CONSUMER, inventorySagaHandlers } from './application/saga.handlers.ts';
import { createInventoryApp } from './application/services.ts';
import { loadInventoryConfig, type InventoryConfig } from './config.ts';
import type { InventoryContext } from './context.ts';
import { seedInventoryDemo } from './infra/demo-seed.ts';
import { createInventoryDatabase, createInventoryPrisma } from './infra/prisma.ts';
import { createReservationRepository } from './infra/reservation.repository.ts';
import { createStockRepository } from './infra/stock.repository.ts';
import { resolvers } from './resolvers/index.ts';
import { createRelaySqlPool } from '../../platform/prisma/sql-pool.ts';

/**
 * Wires the inventory (Prisma, services, the reservation batcher and sweeper, the saga's consumer
 * and the outbox relay, the retention job, token verifier) and serves it. `close()` stops taking
 * requests and messages, lets the work in flight finish, then closes the broker and the pools.
 */
export async function startInventorySubgraph(config: InventoryConfig, logger: Logger, overrides: SubgraphOverrides = {}): Promise<RunningSubgraph> {
  // Stock, locations and movements (admin and vendor work, availability reads) on Prisma; the
  // checkout path (reservations, the saga's inbox and outbox) on a pg pool of its own, which
  // takes the larger share of DATABASE_POOL_SIZE.
  const prisma = createInventoryPrisma(config.databaseUrl, Math.max(2, Math.ceil(config.databasePoolSize / 2)));
  const db = createInventoryDatabase(config.databaseUrl, config.databasePoolSize);
  // The batcher's own small pool: saga handlers wait for their batch while holding a connection
  // of the main pool (their inbox transaction), so a shared pool could run out and deadlock.
  const batchDb = createInventoryDatabase(config.databaseUrl, config.reservationBatch.poolSize);
  const sessions = openSessionRevocations(config.sessionRevocations, logger);
  const settings = { lowStockThreshold: config.lowStockThreshold };
  const reservations = createReservationRepository(db, settings);
  const stock = createStockRepository(prisma, settings);
  const batcher = createReservationBatcher({ reservations: createReservationRepository(batchDb, settings), logger, ...config.reservationBatch });
  const app = createInventoryApp({ stock, reservations, batcher, clock: systemClock });
  const availabilityRead = createAvailabilityRead({ stock });
  const sweeper = createReservationSweeper({ reservations, clock: systemClock, logger });
  // Saga replies and low-stock alerts leave through the outbox; the relay runs in this process.
  const rabbitmq = createMessagingConnection(config.messaging, logger);
  const relayDb = createRelaySqlPool(config.databaseUrl);
  const relay = createOutboxRelay({ db: relayDb, connection: rabbitmq, prefix: config.messaging.prefix, logger, pollMs: config.messaging.outboxPollMs, batchWaitMs: config.messaging.batchWaitMs });
  const saga = createInboxConsumer({
    db,
    connection: rabbitmq,
    prefix: config.messaging.prefix,
    name: INVENTORY_SAGA_CONSUMER,
    handlers: inventorySagaHandlers({ reservations: app.services.reservations, logger, outbox: relay }),
    logger,
    deliveryLimit: config.messaging.deliveryLimit,
    batchWaitMs: config.messaging.batchWaitMs,
  });
  const retention = createBusRetentionJob({
    db,
    tables: ['outbox_message', 'inbox_message'],
    settings: config.retention,
    logger,
    serviceTasks: [rowsOlderThan('stock_requests', config.stockRequestRetentionHours * 3_600_000, (cutoff, limit) => stock.deleteStoredOutcomes(cutoff, limit))],
  });
  relay.start();
  sweeper.start(config.reservationSweepIntervalMs);
  retention.start();
  await startConsumer(saga, logger);
  const stopWork = async () => {
    await saga.stop();
    await batcher.stop();
    await sweeper.stop();
    await retention.stop();
    await relay.stop();
  };
  try {
    return await startSubgraphServer<InventoryContext>({
      name: 'inventory',
      typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
      resolvers,
      settings: config,
      logger,
      verifier: overrides.verifier ?? createAccessTokenVerifier({ jwksUrl: config.jwksUrl }, { policy: config.tokenPolicy, sessions }),
      // Stock is strictly consistent in Postgres; the saga's commands and replies need the broker.
      readiness: [postgresReadiness(db), rabbitmqReadiness(rabbitmq)],
      internalRoutes: {
        // Carts show each line's availability from here.
        '/internal/availability': internalReadRoute({
          body: availabilityReadBody,
          verifier: createServiceSigning(config, logger).verifier,
          logger,
          handle: (body) => availabilityRead.read(body),
        }),
      },
      resources: [
        // Handlers in flight finish their batches, the sweeper and retention their transactions,
        // and the relay its batch, before the broker and the pools close.
        { name: 'inventory saga consumer', close: () => saga.stop() },
        { name: 'reservation batcher', close: () => batcher.stop() },
        { name: 'reservation sweeper', close: () => sweeper.stop() },
        { name: 'retention job', close: () => retention.stop() },
        { name: 'outbox relay', close: () => relay.stop() },
        { name: 'session revocations', close: () => sessions.close() },
        { name: 'rabbitmq', close: () => rabbitmq.close() },
        { name: 'postgres (batches)', close: () => batchDb.$disconnect() },
        { name: 'postgres (checkout)', close: () => db.$disconnect() },
        { name: 'postgres (relay)', close: () => relayDb.$disconnect() },
        { name: 'postgres', close: () => prisma.$disconnect() },
      ],
      createContext: (base, signal) => ({ ...app.scopeFor(base, signal), services: app.services }),
    });
  } catch (error) {
    await stopWork();
    await rabbitmq.close();
    await batchDb.$disconnect();
    await relayDb.$disconnect();
    await db.$disconnect();
    await prisma.$disconnect();
    throw error;
  }
}

export const subgraph = defineSubgraph({
  name: 'inventory',
  loadConfig: loadInventoryConfig,
  start: startInventorySubgraph,
  async seedDemo(config, logger, facts) {
    const seeded = await seedInventoryDemo(config, logger, facts.variants);
    return { ...facts, created: facts.created || seeded.created };
  },
});
