import { createSqlPool } from '../../../platform/prisma/sql-pool.ts';
import type { SqlDatabase } from '../../../platform/messaging/sql.ts';

/**
 * The orders database as raw SQL on a `pg` pool (platform/prisma/sql-pool.ts): every statement of
 * this subgraph is raw SQL on the checkout path, where Prisma's client costs about four times the
 * CPU per statement. The schema and its migrations are Prisma's (prisma/orders).
 */
export type OrdersDatabase = SqlDatabase;

export function createOrdersDatabase(databaseUrl: string, poolSize = 10): OrdersDatabase {
  return createSqlPool(databaseUrl, poolSize);
}

/**
 * Saga steps, cancels and shipments lock one order row each for a few statements; concurrent
 * checkouts of a hot item queue on nothing here (stock is inventory's), but a burst of requests
 * may wait for a pool connection longer than the default 2 s. (Placement is one statement and
 * needs no transaction.)
 */
export const ORDER_TRANSACTION = { maxWait: 10_000, timeout: 15_000 } as const;
