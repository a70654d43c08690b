import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase } from '../../scripts/lib/databases.ts';
import { testEnv } from '../support/test-env.ts';
import { databaseUrl } from '../../platform/config/load-config.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { createRetentionJob, inboxRetention, outboxRetention, retentionEnvironment, retentionSettings, type RetentionTask } from '../../platform/messaging/retention.ts';
import { MESSAGING_TABLES_SQL } from '../../platform/messaging/testing/messaging-tables.ts';
import { sqlDatabaseOver } from '../../platform/prisma/sql-pool.ts';
import { z } from 'zod';

const logger = createLogger({ service: 'retention-spec', level: 'silent', pretty: false });
const database = `${testEnv.TEST_DATABASE_PREFIX}retention_${randomUUID().slice(0, 8)}`;
let pool: pg.Pool;
const now = new Date('2026-06-01T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();

beforeAll(async () => {
  await ensureDatabase(testEnv.POSTGRES_URL, database);
  pool = new pg.Pool(poolConfigFromUrl(databaseUrl(testEnv.POSTGRES_URL, database), 4));
  await pool.query(MESSAGING_TABLES_SQL);
});

afterAll(async () => {
  await pool?.end();
  await dropDatabase(testEnv.POSTGRES_URL, database);
});

async function outboxRow(occurredHoursAgo: number, publishedHoursAgo: number | null): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO outbox_message (id, type, version, payload, correlation_id, occurred_at, published_at) VALUES ($1, 'spec.made', 1, '{}', 'spec', $2, $3)`,
    [id, hoursAgo(occurredHoursAgo), publishedHoursAgo === null ? null : hoursAgo(publishedHoursAgo)],
  );
  return id;
}

async function inboxRow(handledHoursAgo: number): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO inbox_message (consumer, message_id, type, handled_at) VALUES ('spec', $1, 'spec.made', $2)`, [id, hoursAgo(handledHoursAgo)]);
  return id;
}

const ids = async (sql: string) => (await pool.query<{ id: string }>(sql)).rows.map((row) => row.id).sort();

describe('the retention job', () => {
  it('deletes published outbox rows and inbox rows past their ages, in bounded batches, and nothing else', async () => {
    const keptPublished = await outboxRow(80, 71);
    const keptUnpublished = await outboxRow(500, null); // never delivered yet: kept however old
    await Promise.all(Array.from({ length: 7 }, () => outboxRow(100, 73)));
    const keptInbox = await inboxRow(167);
    await Promise.all(Array.from({ length: 5 }, () => inboxRow(169)));
    const db = sqlDatabaseOver(pool);
    const batches: number[] = [];
    const counting = (task: RetentionTask): RetentionTask => ({
      name: task.name,
      deleteExpired: async (at, limit) => {
        const count = await task.deleteExpired(at, limit);
        batches.push(count);
        return count;
      },
    });
    const job = createRetentionJob({
      tasks: [counting(outboxRetention(db, 72)), counting(inboxRetention(db, 168))],
      logger,
      intervalMs: 60_000,
      batchSize: 3,
      now: () => now,
    });
    expect(await job.runOnce()).toEqual({ outbox_message: 7, inbox_message: 5 });
    // Batches of at most 3: 3 + 3 + 1 outbox rows, then 3 + 2 inbox rows.
    expect(batches).toEqual([3, 3, 1, 3, 2]);
    expect(await ids('SELECT id::text AS id FROM outbox_message')).toEqual([keptPublished, keptUnpublished].sort());
    expect(await ids('SELECT message_id::text AS id FROM inbox_message')).toEqual([keptInbox]);
    expect(await job.runOnce()).toEqual({ outbox_message: 0, inbox_message: 0 });
  });

  it('stops a run at its batch cap and logs a failing task without skipping the others', async () => {
    let calls = 0;
    const endless: RetentionTask = { name: 'endless', deleteExpired: async (_at, limit) => ((calls += 1), limit) };
    const failing: RetentionTask = { name: 'failing', deleteExpired: () => Promise.reject(new Error('table gone')) };
    const after: RetentionTask = { name: 'after', deleteExpired: async () => 2 };
    const job = createRetentionJob({ tasks: [endless, failing, after], logger, intervalMs: 60_000, batchSize: 10, maxBatchesPerRun: 4, now: () => now });
    expect(await job.runOnce()).toEqual({ endless: 40, failing: 0, after: 2 });
    expect(calls).toBe(4);
  });

  it('reads its ages from the environment, with the documented defaults', () => {
    const schema = z.object(retentionEnvironment()).transform(retentionSettings);
    expect(schema.parse({})).toEqual({ outboxHours: 72, inboxHours: 168, intervalMs: 600_000 });
    expect(schema.parse({ OUTBOX_RETENTION_HOURS: '1', INBOX_RETENTION_HOURS: '2', MESSAGE_RETENTION_INTERVAL_MS: '5000' })).toEqual({ outboxHours: 1, inboxHours: 2, intervalMs: 5_000 });
  });
});
