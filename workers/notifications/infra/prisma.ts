import type { SqlDatabase } from '../../../platform/messaging/sql.ts';
import { createSqlPool } from '../../../platform/prisma/sql-pool.ts';

/**
 * The notifications database as raw SQL on a `pg` pool (platform/prisma/sql-pool.ts): every
 * statement here is raw SQL, and it runs after every order on the machine that checks out, where
 * Prisma's client cost several times the CPU per statement. The schema and its migrations are
 * Prisma's (prisma/notifications).
 */
export type NotificationsDatabase = SqlDatabase;

export function createNotificationsDatabase(databaseUrl: string, poolSize = 5): NotificationsDatabase {
  return createSqlPool(databaseUrl, poolSize);
}
