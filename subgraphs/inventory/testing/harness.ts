import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { createLogger, type Logger } from '../../../platform/logging/logger.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';
import type { Clock } from '../application/clock.ts';
import type { ReservationCaller } from '../application/reservation.service.ts';
import { createReservationBatcher, type ReservationBatcher } from '../application/reservation-batcher.ts';
import { createReservationSweeper, type ReservationSweeper } from '../application/reservation-sweeper.ts';
import type { InventoryScope } from '../application/scope.ts';
import { createInventoryApp, type InventoryApp, type InventoryAppDeps, type InventoryServices } from '../application/services.ts';
import type { Location } from '../domain/stock.ts';
import { createInventoryDatabase, createInventoryPrisma, type InventoryDatabase, type InventoryPrisma } from '../infra/prisma.ts';
import { createReservationRepository } from '../infra/reservation.repository.ts';
import { createStockRepository } from '../infra/stock.repository.ts';
import { testRequestContext } from '../../../platform/testing/request-context.ts';

/** A clock the spec moves by hand (reservation expiry). */
export interface ManualClock {
  clock: Clock;
  now(): Date;
  advance(ms: number): void;
}

export function createManualClock(start = new Date()): ManualClock {
  let now = start.getTime();
  return { clock: () => new Date(now), now: () => new Date(now), advance: (ms) => (now += ms) };
}

/**
 * The inventory app (createInventoryApp) over the test database, with a clock the spec controls,
 * for the `*.spec.ts` files. Production never imports this.
 */
export interface InventoryHarness {
  app: InventoryApp;
  services: InventoryServices;
  deps: InventoryAppDeps;
  time: ManualClock;
  /** The batcher the reservation service reserves through (its own small pool, as in app.ts). */
  batcher: ReservationBatcher;
  /** The low-stock threshold of variants without their own. */
  lowStockThreshold: number;
  /** A sweeper on the same repositories and clock (not started: specs call `sweep()`). */
  sweeper: ReservationSweeper;
  /** How the saga would call the reservation services. */
  caller: ReservationCaller;
  request(viewer?: Viewer | null): BaseRequestContext;
  scope(viewer?: Viewer | null): InventoryScope;
  /** A fresh warehouse with a unique code, straight into the database. */
  location(name?: string): Promise<Location>;
  /** Stock of a variant in a warehouse, straight into the database (owner recorded), bypassing access rules. */
  stock(variantId: string, location: Location, onHand: number, vendorId?: string): Promise<void>;
  prisma: InventoryPrisma;
  /** The raw pool the reservation repository runs on (a spec opens an inbox-like transaction on it). */
  db: InventoryDatabase;
  logger: Logger;
  close(): Promise<void>;
}

export async function createInventoryHarness(options: { scope: string; poolSize?: number; batch?: { maxBatch?: number; tickMs?: number } }): Promise<InventoryHarness> {
  const logger = createLogger({ service: `inventory-${options.scope}`, level: 'silent', pretty: false });
  const prisma = createInventoryPrisma(testDatabaseUrl('inventory'), options.poolSize ?? 4);
  // As app.ts wires it: reservations on pg pools, stock on Prisma.
  const db = createInventoryDatabase(testDatabaseUrl('inventory'), options.poolSize ?? 4);
  const batchDb = createInventoryDatabase(testDatabaseUrl('inventory'), 2);
  const time = createManualClock();
  const lowStockThreshold = 5;
  const batcher = createReservationBatcher({ reservations: createReservationRepository(batchDb, { lowStockThreshold }), logger, ...options.batch });
  const deps: InventoryAppDeps = {
    stock: createStockRepository(prisma, { lowStockThreshold }),
    reservations: createReservationRepository(db, { lowStockThreshold }),
    batcher,
    clock: time.clock,
  };
  const app = createInventoryApp(deps);
  const request = (viewer: Viewer | null = null): BaseRequestContext => testRequestContext(logger, viewer);
  return {
    app,
    services: app.services,
    deps,
    time,
    batcher,
    lowStockThreshold,
    sweeper: createReservationSweeper({ reservations: deps.reservations, clock: time.clock, logger }),
    caller: { actor: `spec-${options.scope}`, logger },
    request,
    scope: (viewer) => app.scopeFor(request(viewer)),
    async location(name = 'Spec warehouse') {
      const code = `T-${randomUUID().slice(0, 8).toUpperCase()}`;
      return prisma.location.create({ data: { id: randomUUID(), code, name }, select: { id: true, code: true, name: true } });
    },
    async stock(variantId, location, onHand, vendorId = randomUUID()) {
      await prisma.variantOwner.upsert({ where: { variantId }, create: { variantId, vendorId }, update: {} });
      await prisma.stockItem.create({ data: { id: randomUUID(), variantId, locationId: location.id, onHand } });
    },
    prisma,
    db,
    logger,
    async close() {
      await batcher.stop();
      await batchDb.$disconnect();
      await db.$disconnect();
      await prisma.$disconnect();
    },
  };
}
