import { randomUUID } from 'node:crypto';
import { empty, sqltag } from '@prisma/client/runtime/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseUrl } from '../../platform/config/load-config.ts';
import type { SqlDatabase } from '../../platform/messaging/sql.ts';
import { compileSql, createRelaySqlPool, createSqlPool, SqlTransactionError } from '../../platform/prisma/sql-pool.ts';
import { dropDatabase, ensureDatabase } from '../../scripts/lib/databases.ts';
import { testEnv } from '../support/test-env.ts';

const database = `${testEnv.TEST_DATABASE_PREFIX}sql_pool_${randomUUID().slice(0, 8)}`;
let db: SqlDatabase;

const sql = (strings: TemplateStringsArray, ...values: unknown[]) => compileSql(strings, values);

beforeAll(async () => {
  await ensureDatabase(testEnv.POSTGRES_URL, database);
  db = createSqlPool(databaseUrl(testEnv.POSTGRES_URL, database), 2);
  await db.$executeRawUnsafe('CREATE TABLE item (id uuid PRIMARY KEY, name text NOT NULL, made_at timestamptz NOT NULL DEFAULT now(), doc jsonb)');
});

afterAll(async () => {
  await db?.$disconnect();
  await dropDatabase(testEnv.POSTGRES_URL, database);
});

describe('compileSql', () => {
  it('binds every value as a parameter and splices Prisma.sql fragments (sqltag) in place', () => {
    const owner = 'vendor-1';
    const filter = sqltag`AND owner = ${owner}`;
    expect(sql`SELECT * FROM item WHERE id = ${'a'} ${filter} LIMIT ${5}`).toEqual({
      text: 'SELECT * FROM item WHERE id = $1 AND owner = $2 LIMIT $3',
      params: ['a', 'vendor-1', 5],
    });
    expect(sql`SELECT 1 ${empty}WHERE x = ${1}`).toEqual({ text: 'SELECT 1 WHERE x = $1', params: [1] });
  });

  it('never splices a string value into the text', () => {
    const hostile = "x'; DROP TABLE item; --";
    expect(sql`SELECT * FROM item WHERE name = ${hostile}`).toEqual({ text: 'SELECT * FROM item WHERE name = $1', params: [hostile] });
  });
});

describe('createSqlPool', () => {
  it('reads rows as Prisma raw queries do: int8 as bigint, timestamptz as Date, jsonb parsed', async () => {
    const id = randomUUID();
    expect(await db.$executeRaw`INSERT INTO item (id, name, doc) VALUES (${id}::uuid, ${'one'}, ${JSON.stringify({ a: [1, 2] })}::jsonb)`).toBe(1);
    const [row] = await db.$queryRaw<{ n: bigint; madeAt: Date; doc: unknown; id: string }[]>`
      SELECT count(*) OVER () AS n, made_at AS "madeAt", doc, id::text FROM item WHERE id = ${id}::uuid`;
    expect(row).toEqual({ n: 1n, madeAt: expect.any(Date), doc: { a: [1, 2] }, id });
    expect(await db.$queryRawUnsafe<{ id: string }[]>('SELECT id::text FROM item WHERE id = $1::uuid', id)).toEqual([{ id }]);
  });

  it('plans its prepared statements generically', async () => {
    const [row] = await db.$queryRaw<{ mode: string }[]>`SELECT current_setting('plan_cache_mode') AS mode`;
    expect(row?.mode).toBe('force_generic_plan');
  });

  it('commits durably, but the relay pool does not wait for the flush', async () => {
    const setting = async (pool: SqlDatabase) => (await pool.$queryRaw<{ value: string }[]>`SELECT current_setting('synchronous_commit') AS value`)[0]?.value;
    expect(await setting(db)).toBe('on');
    const relay = createRelaySqlPool(databaseUrl(testEnv.POSTGRES_URL, database));
    try {
      expect(await setting(relay)).toBe('off');
    } finally {
      await relay.$disconnect();
    }
  });

  it('commits a transaction whose work succeeds and rolls back all of one that throws', async () => {
    const kept = randomUUID();
    const lost = randomUUID();
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO item (id, name) VALUES (${kept}::uuid, 'kept')`;
    });
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO item (id, name) VALUES (${lost}::uuid, 'lost')`;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await db.$queryRaw<{ name: string }[]>`SELECT name FROM item WHERE id = ANY(${[kept, lost]}::uuid[])`;
    expect(rows).toEqual([{ name: 'kept' }]);
  });

  it('rolls back a transaction that outlives its timeout, and refuses statements after it', async () => {
    const id = randomUUID();
    await expect(
      db.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_sleep(0.2)`;
          await tx.$executeRaw`INSERT INTO item (id, name) VALUES (${id}::uuid, 'late')`;
        },
        { timeout: 50 },
      ),
    ).rejects.toBeInstanceOf(SqlTransactionError);
    expect(await db.$queryRaw`SELECT 1 FROM item WHERE id = ${id}::uuid`).toEqual([]);
  });

  it('rolls back at its timeout while its work waits on another connection that waits on its locks', async () => {
    const id = randomUUID();
    await db.$executeRaw`INSERT INTO item (id, name) VALUES (${id}::uuid, 'before')`;
    const outcome = db.$transaction(
      async (tx) => {
        await tx.$executeRaw`UPDATE item SET name = 'held' WHERE id = ${id}::uuid`;
        // Outside the transaction, blocked on its row lock: only a rollback at the timeout frees it.
        await db.$executeRaw`UPDATE item SET name = 'outside' WHERE id = ${id}::uuid`;
      },
      { timeout: 200 },
    );
    await expect(outcome).rejects.toBeInstanceOf(SqlTransactionError);
    expect(await db.$queryRaw`SELECT name FROM item WHERE id = ${id}::uuid`).toEqual([{ name: 'outside' }]);
  });

  it('sends statements called at once in one transaction one after another, in call order (pg deprecates overlapping calls)', async () => {
    const warnings = vi.spyOn(process, 'emitWarning');
    try {
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const answers = await db.$transaction((tx) =>
        Promise.all(ids.map((id, i) => tx.$queryRaw<{ position: bigint }[]>`INSERT INTO item (id, name) VALUES (${id}::uuid, ${`at-once-${i}`}) RETURNING (SELECT count(*) FROM item WHERE name LIKE 'at-once-%') AS position`)),
      );
      // Each statement saw the rows of the ones sent before it.
      expect(answers.map(([row]) => row?.position)).toEqual([0n, 1n, 2n]);
      expect(warnings.mock.calls.filter(([message]) => String(message).includes('already executing a query'))).toEqual([]);
    } finally {
      warnings.mockRestore();
    }
  });

  it('runs statements as prepared statements of their connection, parsed once and reused', async () => {
    const prepared = await db.$transaction(async (tx) => {
      for (const name of ['first', 'second']) await tx.$queryRaw`SELECT id FROM item WHERE name = ${name}`;
      return tx.$queryRaw<{ statement: string }[]>`SELECT statement FROM pg_prepared_statements WHERE statement = ${'SELECT id FROM item WHERE name = $1'}`;
    });
    expect(prepared.map((row) => row.statement)).toEqual(['SELECT id FROM item WHERE name = $1']);
  });

  it('gives up waiting for a connection after maxWait, and the pool still serves afterwards', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The pool has two connections: hold both.
    const holders = [0, 1].map(() => db.$transaction(() => held, { timeout: 10_000 }));
    await expect(db.$transaction(async () => 'never', { maxWait: 100 })).rejects.toThrow(/no database connection free within 100 ms/);
    release();
    await Promise.all(holders);
    expect(await db.$transaction(async (tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });
});
