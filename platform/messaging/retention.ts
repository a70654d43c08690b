import { z } from 'zod';
import { env } from '../config/load-config.ts';
import { createPeriodicJob } from '../lifecycle/periodic-job.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlClient } from './sql.ts';

/**
 * The variables every process on the bus reads for the retention job: spread into its config
 * schema next to messagingEnvironment(), and turned into settings with retentionSettings().
 */
export function retentionEnvironment() {
  return {
    /** Published outbox rows are kept this long (to inspect what went out), then deleted. */
    OUTBOX_RETENTION_HOURS: env.positiveInt(72),
    /**
     * Handled inbox rows are kept this long, then deleted: a message redelivered after that would be
     * handled again, so keep it well above the longest a message can sit in a queue or DLQ.
     */
    INBOX_RETENTION_HOURS: env.positiveInt(168),
    /** How often the retention job runs in each process. */
    MESSAGE_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  };
}

type RetentionEnvironment = z.output<z.ZodObject<ReturnType<typeof retentionEnvironment>>>;

export interface RetentionSettings {
  outboxHours: number;
  inboxHours: number;
  intervalMs: number;
}

export function retentionSettings(raw: RetentionEnvironment): RetentionSettings {
  return { outboxHours: raw.OUTBOX_RETENTION_HOURS, inboxHours: raw.INBOX_RETENTION_HOURS, intervalMs: raw.MESSAGE_RETENTION_INTERVAL_MS };
}

/** One kind of expired rows: deletes up to `limit` of those older than its age at `now`, returns how many. */
export interface RetentionTask {
  name: string;
  deleteExpired(now: Date, limit: number): PromiseLike<number>;
}

const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * 3_600_000);

/**
 * A service's own rows kept `ageMs` after their timestamp: `deleteBefore(cutoff, limit)` deletes up
 * to `limit` of those older than `cutoff` and returns how many (a repository's bounded DELETE).
 */
export function rowsOlderThan(name: string, ageMs: number, deleteBefore: (cutoff: Date, limit: number) => PromiseLike<number>): RetentionTask {
  return { name, deleteExpired: (now, limit) => deleteBefore(new Date(now.getTime() - ageMs), limit) };
}

/**
 * Published outbox rows older than `hours` (unpublished rows are never deleted, however old: they
 * still have to go out). `SKIP LOCKED`: instances running the job at once take different rows, and
 * a relay's claimed batch is left alone.
 */
export function outboxRetention(db: SqlClient, hours: number): RetentionTask {
  return {
    name: 'outbox_message',
    deleteExpired: (now, limit) => db.$executeRaw`
      DELETE FROM outbox_message WHERE id IN (
        SELECT id FROM outbox_message
        WHERE published_at IS NOT NULL AND published_at < ${hoursBefore(now, hours)}
        ORDER BY published_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  };
}

/** Handled inbox rows (of every consumer of the database) older than `hours`. */
export function inboxRetention(db: SqlClient, hours: number): RetentionTask {
  return {
    name: 'inbox_message',
    deleteExpired: (now, limit) => db.$executeRaw`
      DELETE FROM inbox_message WHERE (consumer, message_id) IN (
        SELECT consumer, message_id FROM inbox_message
        WHERE handled_at < ${hoursBefore(now, hours)}
        ORDER BY handled_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  };
}

export interface RetentionJobOptions {
  tasks: readonly RetentionTask[];
  logger: Logger;
  intervalMs: number;
  /** Rows one DELETE removes at most: short statements, short locks, small WAL bursts. */
  batchSize?: number;
  /** Batches per task per run at most; the next run takes the rest. */
  maxBatchesPerRun?: number;
  now?: () => Date;
}

export interface RetentionJob {
  /** One pass over every task; returns the rows deleted per task. */
  runOnce(): Promise<Record<string, number>>;
  /** Runs every `intervalMs` (the first run one interval after start) until stop(). */
  start(): void;
  /** Stops the timer and waits for a run in progress (call it before the database pool closes). */
  stop(): Promise<void>;
}

/**
 * Deletes what the bus no longer needs, in bounded batches: published outbox rows, handled inbox
 * rows, and whatever else a service registers (inventory: stored idempotency outcomes;
 * notifications: settled emails). Every process on the bus runs one (through
 * createBusRetentionJob); several instances at once are fine (each batch skips rows another
 * holds). A failing task is logged and retried on the next run; the others still run.
 */
export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  const log = options.logger.child({ component: 'retention' });
  const batchSize = options.batchSize ?? 1_000;
  const maxBatches = options.maxBatchesPerRun ?? 50;
  const now = options.now ?? (() => new Date());

  async function pass(): Promise<Record<string, number>> {
    const at = now();
    const deleted: Record<string, number> = {};
    for (const task of options.tasks) {
      let total = 0;
      try {
        for (let batch = 0; batch < maxBatches; batch += 1) {
          const count = await task.deleteExpired(at, batchSize);
          total += count;
          if (count < batchSize) break;
        }
      } catch (error) {
        log.warn({ task: task.name, err: error instanceof Error ? error.message : String(error) }, 'retention task failed; retrying next run');
      }
      deleted[task.name] = total;
    }
    if (Object.values(deleted).some((count) => count > 0)) log.info({ deleted }, 'expired rows deleted');
    return deleted;
  }

  const job = createPeriodicJob({ name: 'retention run', logger: log, run: pass });
  return { runOnce: job.runOnce, start: () => job.start(options.intervalMs), stop: job.stop };
}

/** The messaging tables a database may have (its prisma/<name>/schema.prisma says which). */
export type MessagingTable = 'outbox_message' | 'inbox_message';

const MESSAGING_TABLE_TASKS: Record<MessagingTable, (db: SqlClient, settings: RetentionSettings) => RetentionTask> = {
  outbox_message: (db, settings) => outboxRetention(db, settings.outboxHours),
  inbox_message: (db, settings) => inboxRetention(db, settings.inboxHours),
};

export interface BusRetentionJobOptions {
  db: SqlClient;
  /** Exactly the messaging tables this database has (test/messaging/retention-wiring.test.ts compares them with the schema). */
  tables: readonly MessagingTable[];
  settings: RetentionSettings;
  logger: Logger;
  /** The service's own expiring rows (inventory: stored idempotency outcomes; notifications: settled emails), cleaned after the messaging tables. */
  serviceTasks?: readonly RetentionTask[];
}

/**
 * The retention job as every process on the bus wires it: one task per messaging table of its
 * database, then its own. Start it with the process, and stop it before the pool closes.
 */
export function createBusRetentionJob(options: BusRetentionJobOptions): RetentionJob {
  return createRetentionJob({
    tasks: [...options.tables.map((table) => MESSAGING_TABLE_TASKS[table](options.db, options.settings)), ...(options.serviceTasks ?? [])],
    logger: options.logger,
    intervalMs: options.settings.intervalMs,
  });
}
