import pg from 'pg';
import type { SqlClient, SqlDatabase } from '../messaging/sql.ts';
import { poolConfigFromUrl } from './pg-adapter.ts';

/** A nested fragment in a tagged template (Prisma.sql, Prisma.empty, Prisma.join): spliced, not bound. */
interface SqlFragment {
  strings: readonly string[];
  values: readonly unknown[];
}

const isFragment = (value: unknown): value is SqlFragment =>
  typeof value === 'object' && value !== null && Array.isArray((value as SqlFragment).strings) && Array.isArray((value as SqlFragment).values) && 'sql' in value;

/** Turns a tagged template into `$1…$n` text and its parameters; fragments are spliced in place. */
export function compileSql(strings: readonly string[], values: readonly unknown[]): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  let text = '';
  const append = (parts: readonly string[], args: readonly unknown[]) => {
    text += parts[0] ?? '';
    for (const [index, value] of args.entries()) {
      if (isFragment(value)) append(value.strings, value.values);
      else {
        params.push(value);
        text += `$${params.length}`;
      }
      text += parts[index + 1] ?? '';
    }
  };
  append(strings, values);
  return { text, params };
}

/** Raised by `$transaction` when no connection frees up within `maxWait`, or the work outlives `timeout`. */
export class SqlTransactionError extends Error {
  override name = 'SqlTransactionError';
}

// int8 as bigint, like Prisma's $queryRaw: counts and sequences keep their type whichever client ran them.
const INT8_OID = 20;
const parseInt8 = (value: string): bigint => BigInt(value);
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => (oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format))) as pg.CustomTypesConfig['getTypeParser'],
};

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * Statements run as named prepared statements: each connection parses and analyses a statement
 * once, not on every call (the saga's CTE statements cost Postgres more to parse and plan than to
 * run). Texts come from this codebase's templates, a bounded set; past the cap (a caller building
 * texts from data) they run unnamed, as before.
 */
const PREPARED_CAP = 2_000;
const preparedNames = new Map<string, string>();
const PREPARABLE = /^\s*(select|insert|update|delete|with|values)\b/i;

function statementName(text: string): string | undefined {
  const known = preparedNames.get(text);
  if (known !== undefined || preparedNames.size >= PREPARED_CAP || !PREPARABLE.test(text)) return known;
  const name = `shop_${preparedNames.size}`;
  preparedNames.set(text, name);
  return name;
}

/**
 * `beforeSend` runs before each statement is handed to the driver (a transaction's guard, and its
 * gathering of writes).
 */
function clientOver(target: Queryable, beforeSend: () => void = () => undefined): SqlClient {
  const run = (text: string, values: unknown[]) => {
    beforeSend();
    return target.query({ name: statementName(text), text, values, types });
  };
  const rows = async <T>(text: string, params: unknown[]): Promise<T> => (await run(text, params)).rows as T;
  const count = async (text: string, params: unknown[]): Promise<number> => (await run(text, params)).rowCount ?? 0;
  return {
    $queryRaw: <T>(strings: TemplateStringsArray, ...values: unknown[]) => {
      const { text, params } = compileSql(strings, values);
      return rows<T>(text, params);
    },
    $executeRaw: (strings: TemplateStringsArray, ...values: unknown[]) => {
      const { text, params } = compileSql(strings, values);
      return count(text, params);
    },
    $queryRawUnsafe: <T>(text: string, ...params: unknown[]) => rows<T>(text, params),
    $executeRawUnsafe: (text: string, ...params: unknown[]) => count(text, params),
  };
}

/**
 * Raw SQL straight on a `pg` pool, with the shape of Prisma's raw API (`$queryRaw` tagged
 * templates, `$transaction(fn, { maxWait, timeout })`), so repositories and the messaging code take
 * either. It is for the hot paths that are raw SQL anyway (the checkout saga's steps, the outbox
 * relay, the inbox): measured side by side, Prisma's client spends about four times the CPU of `pg`
 * per raw statement, and a saga step is a dozen statements. Schema and migrations stay Prisma's.
 */
export function createSqlPool(databaseUrl: string, poolSize = 10, settings: { synchronousCommit?: boolean } = {}): SqlDatabase {
  // Pipeline mode: a statement is sent without waiting for the one before to answer. A
  // transaction's BEGIN goes with its first statement, and the statements of handlers sharing one
  // transaction (an inbox batch) leave together (see gatherWrites); pg 8 deprecates queueing
  // overlapping calls on one connection otherwise, and pg 9 refuses them.
  //
  // Generic plans: every statement here is a fixed text from this codebase, prepared per
  // connection, that looks rows up by key (or by an array of keys). Postgres otherwise re-plans
  // many of them on every call, weighing a custom plan against the generic one, which the saga's
  // statements spend more on than on running; side by side, Postgres' CPU per checkout fell by
  // about a sixth with the same plans.
  // A generic plan is kept until the table's statistics change; on a server whose autovacuum is off
  // (this machine's) that is never, and a plan made on an empty table would scan it forever.
  // Connections are replaced after ten minutes, so their plans are made again on the tables as
  // they are.
  const pool = new pg.Pool({
    ...poolConfigFromUrl(databaseUrl, poolSize),
    pipeline: true,
    options: `-c plan_cache_mode=force_generic_plan${settings.synchronousCommit === false ? ' -c synchronous_commit=off' : ''}`,
    maxLifetimeSeconds: 600,
  });
  // An idle client's connection dropping (a Postgres restart) must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  return sqlDatabaseOver(pool);
}

/**
 * The outbox relay's own connection (one, so a burst of requests and handlers queueing for the
 * service's pool never holds up publishing). Its statements commit without waiting for the WAL to
 * reach the disk (`synchronous_commit = off`): all they record is which rows a relay claimed and
 * which it published, and a mark lost with a crash of Postgres only sends those messages again,
 * which consumers skip by id. The outbox rows themselves are written, durably, by the
 * transactions of the changes they belong to.
 */
export function createRelaySqlPool(databaseUrl: string): SqlDatabase {
  return createSqlPool(databaseUrl, 1, { synchronousCommit: false });
}

/**
 * Statements a transaction's work sends within one turn of the event loop leave in one socket
 * write: Postgres is woken once for all of them, and the sender makes one system call instead of
 * one per statement.
 */
function gatherWrites(client: pg.PoolClient): () => void {
  let gathering = false;
  const socket = client.connection.stream;
  return () => {
    if (gathering) return;
    gathering = true;
    socket.cork();
    process.nextTick(() => {
      gathering = false;
      socket.uncork();
    });
  };
}

/** The same over a pool made elsewhere (specs that also query the pool directly). */
export function sqlDatabaseOver(pool: pg.Pool): SqlDatabase {
  const acquire = (maxWait: number) =>
    new Promise<pg.PoolClient>((resolve, reject) => {
      let waited = false;
      const timer = setTimeout(() => {
        waited = true;
        reject(new SqlTransactionError(`no database connection free within ${maxWait} ms`));
      }, maxWait);
      pool.connect().then(
        (client) => {
          clearTimeout(timer);
          // Given up on meanwhile: hand it straight back.
          if (waited) client.release();
          else resolve(client);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!waited) reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });

  return {
    ...clientOver(pool),
    async $transaction<R>(fn: (tx: SqlClient) => Promise<R>, options: { maxWait?: number; timeout?: number } = {}): Promise<R> {
      const timeout = options.timeout ?? 5_000;
      const client = await acquire(options.maxWait ?? 2_000);
      let state: 'open' | 'expired' | 'closed' = 'open';
      let broken: Error | undefined;
      const rollback = () =>
        client.query('ROLLBACK').then(
          () => undefined,
          (rollbackError: unknown) => {
            // A connection that cannot roll back is not given to anyone else.
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          },
        );
      let expiredRollback: Promise<void> | undefined;
      const timer = setTimeout(() => {
        if (state !== 'open') return;
        state = 'expired';
        // Rolled back now, not when `fn` returns: work waiting on something that waits on this
        // transaction's locks would otherwise never return, and never let go of them.
        expiredRollback = rollback();
      }, timeout);
      const guard = () => {
        if (state === 'expired') throw new SqlTransactionError(`transaction outlived its ${timeout} ms and was rolled back`);
        if (state === 'closed') throw new SqlTransactionError('transaction already closed');
      };
      const gather = gatherWrites(client);
      try {
        gather();
        // Not awaited: it leaves with the work's first statement. Were it to fail, that statement
        // fails too; its own error is read below so it is never an unhandled rejection.
        const begun = client.query('BEGIN');
        begun.catch(() => undefined);
        const result = await fn(
          clientOver(client, () => {
            guard();
            gather();
          }),
        );
        await begun;
        guard();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await (expiredRollback ?? rollback());
        throw error;
      } finally {
        state = 'closed';
        clearTimeout(timer);
        client.release(broken);
      }
    },
    async $disconnect() {
      await pool.end();
    },
  };
}
