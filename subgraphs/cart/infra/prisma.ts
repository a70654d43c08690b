import type { SqlDatabase } from '../../../platform/messaging/sql.ts';
import { createSqlPool } from '../../../platform/prisma/sql-pool.ts';

/**
 * The cart database as raw SQL on a `pg` pool (platform/prisma/sql-pool.ts): every statement of
 * this subgraph is raw SQL, and orders' checkout read and the order.confirmed consumer run on the
 * machine that checks out, where Prisma's client costs several times the CPU per statement. The
 * schema and its migrations are Prisma's (prisma/cart).
 */
export type CartDatabase = SqlDatabase;

export function createCartDatabase(databaseUrl: string, poolSize = 10): CartDatabase {
  return createSqlPool(databaseUrl, poolSize);
}
