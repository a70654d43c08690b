import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from '../../../platform/prisma/pg-adapter.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type InventoryPrisma = PrismaClient;
export type InventoryTransaction = Prisma.TransactionClient;

/** The inventory database client on the pg driver adapter. */
export function createInventoryPrisma(databaseUrl: string, poolSize = 10): InventoryPrisma {
  return new PrismaClient({ adapter: new PrismaPg(poolConfigFromUrl(databaseUrl, poolSize)) });
}

/**
 * Interactive transactions that wait on row locks: on one hot SKU, hundreds of reservations queue
 * for the same row, each holding it for a few milliseconds. Prisma's defaults (2 s to get a
 * connection, 5 s in all) would fail the tail of such a queue although it is making progress.
 */
export const LOCKING_TRANSACTION = { maxWait: 15_000, timeout: 15_000 } as const;
