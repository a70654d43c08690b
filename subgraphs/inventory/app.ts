import { createAccessTokenVerifier } from '../../platform/auth/access-token.ts';
import { openSessionRevocations } from '../../platform/auth/session-revocations.ts';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { defineSubgraph, type SubgraphOverrides } from '../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createServiceSigning, internalReadRoute } from '../../platform/http/internal-read.ts';
import { postgresReadiness } from '../../platform/prisma/pg-adapter.ts';
import { availabilityReadBody, createAvailabilityRead } from './application/availability-read.ts';
import { systemClock } from './application/clock.ts';
import { createReservationSweeper } from './application/reservation-sweeper.ts';
import { createInventoryApp } from './application/services.ts';
import { loadInventoryConfig, type InventoryConfig } from './config.ts';
import type { InventoryContext } from './context.ts';
import { seedInventoryDemo } from './infra/demo-seed.ts';
import { createInventoryPrisma } from './infra/prisma.ts';
import { createReservationRepository } from './infra/reservation.repository.ts';
import { createStockRepository } from './infra/stock.repository.ts';
import { resolvers } from './resolvers/index.ts';

/**
 * Wires the inventory (Prisma, services, the reservation sweeper, token verifier) and serves it.
 * `close()` stops taking requests, stops the sweeper, then releases the database pool.
 */
export async function startInventorySubgraph(config: InventoryConfig, logger: Logger, overrides: SubgraphOverrides = {}): Promise<RunningSubgraph> {
  const prisma = createInventoryPrisma(config.databaseUrl, config.databasePoolSize);
  const sessions = openSessionRevocations(config.sessionRevocations, logger);
  const reservations = createReservationRepository(prisma);
  const stock = createStockRepository(prisma);
  const availabilityRead = createAvailabilityRead({ stock });
  const app = createInventoryApp({ stock, reservations, clock: systemClock });
  const sweeper = createReservationSweeper({ reservations, clock: systemClock, logger });
  sweeper.start(config.reservationSweepIntervalMs);
  try {
    return await startSubgraphServer<InventoryContext>({
      name: 'inventory',
      typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
      resolvers,
      settings: config,
      logger,
      verifier: overrides.verifier ?? createAccessTokenVerifier({ jwksUrl: config.jwksUrl }, { policy: config.tokenPolicy, sessions }),
      // Stock is strictly consistent in Postgres and nowhere else: it is the only readiness check.
      readiness: [postgresReadiness(prisma)],
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
        // Before the pool closes, so a sweep in progress finishes its transaction.
        { name: 'reservation sweeper', close: () => sweeper.stop() },
        { name: 'session revocations', close: () => sessions.close() },
        { name: 'postgres', close: () => prisma.$disconnect() },
      ],
      createContext: (base, signal) => ({ ...app.scopeFor(base, signal), services: app.services }),
    });
  } catch (error) {
    await sweeper.stop();
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
