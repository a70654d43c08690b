import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlClient, SqlDatabase } from '../../../platform/messaging/sql.ts';
import { poolConfigFromUrl } from '../../../platform/prisma/pg-adapter.ts';
import { createSqlPool } from '../../../platform/prisma/sql-pool.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type InventoryPrisma = PrismaClient;
/** Raw SQL inside a transaction of either client below. */
export type InventoryTransaction = SqlClient;
export type InventoryDatabase = SqlDatabase;

/** The inventory database client on the pg driver adapter: stock, locations, movements (admin and vendor work). */
export function createInventoryPrisma(databaseUrl: string, poolSize = 10): InventoryPrisma {
  return new PrismaClient({ adapter: new PrismaPg(poolConfigFromUrl(databaseUrl, poolSize)) });
}

/**
 * Raw SQL on a `pg` pool (platform/prisma/sql-pool.ts) for the checkout path: reservations, the
 * saga's inbox and outbox. Prisma's client costs about four times the CPU per raw statement.
 */
export function createInventoryDatabase(databaseUrl: string, poolSize = 10): InventoryDatabase {
  return createSqlPool(databaseUrl, poolSize);
}

/**
 * Interactive transactions that wait on row locks: on one hot SKU, hundreds of reservations queue
 * for the same row, each holding it for a few milliseconds. Prisma's defaults (2 s to get a
 * connection, 5 s in all) would fail the tail of such a queue although it is making progress.
 */
export const LOCKING_TRANSACTION = { maxWait: 15_000, timeout: 15_000 } as const;
