import { createSqlPool } from '../../../platform/prisma/sql-pool.ts';
import type { SqlDatabase } from '../../../platform/messaging/sql.ts';
import { Prisma } from '../__generated__/prisma/client.ts';

/** `Prisma.sql` / `Prisma.empty` build optional fragments of raw statements; nothing else of the client is used. */
export { Prisma };

/**
 * The payments database as raw SQL on a `pg` pool (platform/prisma/sql-pool.ts): every statement
 * here is raw SQL on the checkout path, where Prisma's client costs about four times the CPU per
 * statement. The schema and its migrations are Prisma's (prisma/payments).
 */
export type PaymentsDatabase = SqlDatabase;

export function createPaymentsDatabase(databaseUrl: string, poolSize = 10): PaymentsDatabase {
  return createSqlPool(databaseUrl, poolSize);
}

/** Short transactions that lock one payment row: a queue on it is progress, so allow some wait. */
export const PAYMENT_TRANSACTION = { maxWait: 10_000, timeout: 10_000 } as const;
