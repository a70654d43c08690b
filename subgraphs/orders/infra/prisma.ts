import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from '../../../platform/prisma/pg-adapter.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

export { Prisma };
export type OrdersPrisma = PrismaClient;

/** The orders database client on the pg driver adapter. */
export function createOrdersPrisma(databaseUrl: string, poolSize = 10): OrdersPrisma {
  return new PrismaClient({ adapter: new PrismaPg(poolConfigFromUrl(databaseUrl, poolSize)) });
}

/**
 * Placement and saga steps lock one order row each for a few statements; concurrent checkouts of
 * a hot item queue on nothing here (stock is inventory's), so Prisma's defaults would do, but a
 * burst of placements may wait for a pool connection longer than its 2 s.
 */
export const ORDER_TRANSACTION = { maxWait: 10_000, timeout: 15_000 } as const;
