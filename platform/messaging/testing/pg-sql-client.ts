import type { Pool, PoolClient } from 'pg';
import type { SqlClient, TransactionalSqlClient } from '../sql.ts';

/** Turns a tagged template into `$1…$n` text and its values, as Prisma's raw queries do. */
function toQuery(strings: TemplateStringsArray, values: unknown[]): { text: string; values: unknown[] } {
  let text = strings[0] ?? '';
  for (let i = 1; i < strings.length; i += 1) text += `$${i}${strings[i] ?? ''}`;
  return { text, values };
}

function clientOver(run: (text: string, values: unknown[]) => Promise<{ rows: unknown[]; rowCount: number | null }>): SqlClient {
  return {
    async $executeRaw(strings, ...values) {
      const { text, values: params } = toQuery(strings, values);
      return (await run(text, params)).rowCount ?? 0;
    },
    async $queryRaw<T>(strings: TemplateStringsArray, ...values: unknown[]) {
      const { text, values: params } = toQuery(strings, values);
      return (await run(text, params)).rows as T;
    },
  };
}

/**
 * The raw-SQL slice of a Prisma client over a plain pg pool, for platform specs: platform code
 * has no generated Prisma client of its own, and the messaging code needs nothing more.
 */
export function pgSqlClient(pool: Pool): TransactionalSqlClient {
  return {
    ...clientOver((text, values) => pool.query(text, values)),
    async $transaction<R>(fn: (tx: SqlClient) => Promise<R>): Promise<R> {
      const conn: PoolClient = await pool.connect();
      try {
        await conn.query('BEGIN');
        const result = await fn(clientOver((text, values) => conn.query(text, values)));
        await conn.query('COMMIT');
        return result;
      } catch (error) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        conn.release();
      }
    },
  };
}

/** The outbox and inbox tables as the services' Prisma migrations create them. */
export const MESSAGING_TABLES_SQL = `
  CREATE TABLE IF NOT EXISTS outbox_message (
    id uuid PRIMARY KEY,
    type text NOT NULL,
    version integer NOT NULL,
    payload jsonb NOT NULL,
    correlation_id text NOT NULL,
    occurred_at timestamptz(3) NOT NULL,
    published_at timestamptz(3)
  );
  CREATE TABLE IF NOT EXISTS inbox_message (
    consumer text NOT NULL,
    message_id uuid NOT NULL,
    type text NOT NULL,
    handled_at timestamptz(3) NOT NULL,
    PRIMARY KEY (consumer, message_id)
  );`;
