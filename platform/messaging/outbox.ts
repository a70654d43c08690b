import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { v7 as timeOrderedUuid } from 'uuid';
import type { Envelope, MessageContract } from '../../contracts/envelope.ts';
import type { Logger } from '../logging/logger.ts';
import type { AmqpConnectionManager } from './connection.ts';
import { gatheredPerTransaction } from './gathered.ts';
import type { SqlClient, TransactionalSqlClient } from './sql.ts';
import { assertEventsExchange, topologyNames } from './topology.ts';

/**
 * A message's id: time-ordered (UUIDv7), so the outbox's and every inbox's primary key grow at their
 * right edge instead of touching a random page of an ever larger index per message.
 */
const messageId = (): string => timeOrderedUuid();

/**
 * Records a message to publish, through the caller's transaction client, so the change and the
 * message commit together or not at all. The payload is checked against its contract here: a
 * producer bug fails the change instead of poisoning every consumer.
 */
export async function writeOutbox<TPayload>(
  tx: SqlClient,
  contract: MessageContract<string, TPayload>,
  payload: TPayload,
  meta: { correlationId: string; occurredAt?: Date; id?: string },
): Promise<Envelope<TPayload>> {
  const checked = contract.payload.parse(payload);
  const id = meta.id ?? messageId();
  const occurredAt = meta.occurredAt ?? new Date();
  await tx.$executeRaw`
    INSERT INTO outbox_message (id, type, version, payload, correlation_id, occurred_at)
    VALUES (${id}::uuid, ${contract.type}, ${contract.version}, ${JSON.stringify(checked)}::jsonb, ${meta.correlationId}, ${occurredAt.toISOString()}::timestamptz)`;
  return { id, type: contract.type, version: contract.version, occurredAt: occurredAt.toISOString(), correlationId: meta.correlationId, payload: checked };
}

/** A message a repository writes with its change (the arguments of writeOutbox, as a value). */
export interface OutboxEntry<TPayload = unknown> {
  contract: MessageContract<string, TPayload>;
  payload: TPayload;
  correlationId: string;
}

/** writeOutbox for an entry. */
export function writeOutboxEntry<TPayload>(tx: SqlClient, entry: OutboxEntry<TPayload>): Promise<Envelope<TPayload>> {
  return writeOutbox(tx, entry.contract, entry.payload, { correlationId: entry.correlationId });
}

/**
 * Outbox rows as the parallel arrays `unnest` takes: what writeOutboxEntries inserts, and what a
 * repository passes to a statement that writes them beside its own change (orders' saga step and
 * placement) instead of in a round trip of their own. Each payload is checked against its
 * contract first, so a producer bug fails the change instead of poisoning every consumer.
 */
export interface OutboxRows {
  ids: string[];
  types: string[];
  versions: number[];
  /** JSON text, cast to jsonb[] in the statement. */
  payloads: string[];
  correlationIds: string[];
  /** ISO time, one for the batch. */
  occurredAt: string;
}

export function outboxRows(entries: readonly OutboxEntry[]): OutboxRows {
  const rows: OutboxRows = { ids: [], types: [], versions: [], payloads: [], correlationIds: [], occurredAt: new Date().toISOString() };
  for (const entry of entries) {
    rows.ids.push(messageId());
    rows.types.push(entry.contract.type);
    rows.versions.push(entry.contract.version);
    rows.payloads.push(JSON.stringify(entry.contract.payload.parse(entry.payload)));
    rows.correlationIds.push(entry.correlationId);
  }
  return rows;
}

/**
 * Writes many outbox rows in one statement: a saga step's commands and events, or a reservation
 * batch's replies, in one round trip instead of one per message.
 */
export async function writeOutboxEntries(tx: SqlClient, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = outboxRows(entries);
  await tx.$executeRaw`
    INSERT INTO outbox_message (id, type, version, payload, correlation_id, occurred_at)
    SELECT id, type, version, payload, correlation_id, ${rows.occurredAt}::timestamptz
    FROM unnest(${rows.ids}::uuid[], ${rows.types}::text[], ${rows.versions}::int[], ${rows.payloads}::jsonb[], ${rows.correlationIds}::text[])
      AS t(id, type, version, payload, correlation_id)`;
}

/**
 * writeOutboxEntry for handlers that share an inbox batch's transaction: the entries they write on
 * one transaction at once go in one statement.
 */
export function gatheredOutboxWriter(): (tx: SqlClient, entry: OutboxEntry) => Promise<void> {
  return gatheredPerTransaction(async (tx, entries: readonly OutboxEntry[]) => {
    await writeOutboxEntries(tx, entries);
    return entries.map(() => undefined);
  });
}

/** Builds an entry, keeping the payload checked against its contract's type. */
export function outboxEntry<TPayload>(contract: MessageContract<string, TPayload>, payload: TPayload, correlationId: string): OutboxEntry {
  return { contract, payload, correlationId };
}

const occurredMs = (row: OutboxRow) => (row.occurred_at instanceof Date ? row.occurred_at.getTime() : Date.parse(row.occurred_at));

/** The ids of a published batch, by what the broker answered. */
interface Settled {
  published: string[];
  failed: string[];
}

interface OutboxRow {
  id: string;
  type: string;
  version: number;
  payload: unknown;
  correlation_id: string;
  occurred_at: Date | string;
}

export interface OutboxRelayOptions {
  db: TransactionalSqlClient;
  connection: AmqpConnectionManager;
  prefix: string;
  logger: Logger;
  /** Longest wait between looks when idle and not nudged. */
  pollMs: number;
  /** Rows claimed at once: small, so relays share the work and a failure delays few. */
  batchSize?: number;
  /** A publish not confirmed by then counts as failed and is retried. */
  publishTimeoutMs?: number;
  /** Longest back-off after failures. */
  maxBackoffMs?: number;
  /**
   * How long a nudged relay waits for more rows before it claims while rows come in a stream (its
   * last claim that found rows was within four such waits; MESSAGE_BATCH_WAIT_MS): under load,
   * commits come moments apart and one claim takes them all, while a row after a quiet spell goes
   * at once. 0, the default, never waits.
   */
  batchWaitMs?: number;
}

export interface OutboxRelay {
  start(): void;
  /** Look now (the caller just committed a row): saves waiting for the next poll. */
  nudge(): void;
  /** Finishes the batch in flight, then stops. */
  stop(): Promise<void>;
}

/**
 * Publishes the outbox to the events exchange with publisher confirms. A relay claims unpublished
 * rows with a lease (`claimed_until`, taken with `FOR UPDATE SKIP LOCKED`, so several relays never
 * claim the same row), publishes each as a persistent message whose messageId is the row id, and
 * marks the confirmed ones published in the statement that claims the next batch (at the next
 * nudge or within a second): one statement per batch, and no transaction held open while the
 * broker confirms. A publish that fails gives its row back; a relay that dies mid-publish leaves
 * its rows to whoever claims them after the lease. So a message may go out twice but never zero
 * times; consumers dedupe on the id.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const log = options.logger.child({ component: 'outbox-relay' });
  const batchSize = options.batchSize ?? 50;
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const batchWaitMs = options.batchWaitMs ?? 0;
  // Outlives any publish the relay still waits for, so a live relay's rows are never taken over.
  const leaseMs = publishTimeoutMs + 5_000;
  // Published rows are marked by the next claim, at the latest this long after: well inside the lease.
  const markWithinMs = Math.min(1_000, leaseMs / 4);
  const exchange = topologyNames(options.prefix).events;
  let channel: ChannelWrapper | null = null;
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let nudged = false;

  const publish = (ch: ChannelWrapper, row: OutboxRow) => {
    const occurredAt = new Date(occurredMs(row)).toISOString();
    const envelope: Envelope = { id: row.id, type: row.type, version: Number(row.version), occurredAt, correlationId: row.correlation_id, payload: row.payload };
    return ch.publish(exchange, row.type, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      messageId: row.id,
      type: row.type,
      correlationId: row.correlation_id,
      contentType: 'application/json',
      timestamp: Math.floor(Date.parse(occurredAt) / 1000),
      timeout: publishTimeoutMs,
    });
  };

  /**
   * Marks the confirmed rows published, gives the failed ones back, and claims up to `claim` more
   * (oldest first), in one statement. The rows it settles still look claimed to its own snapshot,
   * so it never claims them again.
   */
  const settleAndClaim = async (settled: Settled, claim: number) => {
    const rows = await options.db.$queryRaw<OutboxRow[]>`
      WITH published AS (
        UPDATE outbox_message SET published_at = now(), claimed_until = NULL WHERE id = ANY(${settled.published}::uuid[])
      ), given_back AS (
        UPDATE outbox_message SET claimed_until = NULL WHERE id = ANY(${settled.failed}::uuid[])
      ), next AS (
        SELECT id FROM outbox_message
        WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
          AND NOT (id = ANY(${settled.published}::uuid[])) AND NOT (id = ANY(${settled.failed}::uuid[]))
        ORDER BY occurred_at, id
        LIMIT ${claim}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE outbox_message AS claimed SET claimed_until = now() + ${leaseMs}::int * interval '1 millisecond'
      FROM next WHERE claimed.id = next.id
      RETURNING claimed.id::text AS id, claimed.type, claimed.version, claimed.payload, claimed.correlation_id, claimed.occurred_at`;
    // An UPDATE returns its rows in no particular order; they are published oldest first.
    return rows.sort((a, b) => occurredMs(a) - occurredMs(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };

  /** Publishes a claimed batch; what the broker confirmed and what it did not. */
  const publishBatch = async (ch: ChannelWrapper, rows: OutboxRow[]): Promise<Settled> => {
    const results = await Promise.allSettled(rows.map((row) => publish(ch, row)));
    const settled: Settled = { published: [], failed: [] };
    for (const [index, result] of results.entries()) {
      const row = rows[index];
      if (!row) continue;
      if (result.status === 'fulfilled') {
        settled.published.push(row.id);
      } else {
        settled.failed.push(row.id);
        log.warn({ messageId: row.id, type: row.type, err: result.reason instanceof Error ? result.reason.message : String(result.reason) }, 'publish not confirmed; will retry');
      }
    }
    return settled;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (nudged || !running) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const run = async (ch: ChannelWrapper) => {
    let failures = 0;
    let lastRowsAt = -Infinity;
    // Published or failed in the last batch, settled by the next statement (kept until one succeeds).
    let settled: Settled = { published: [], failed: [] };
    while (running) {
      nudged = false;
      let delay = options.pollMs;
      try {
        const rows = await settleAndClaim(settled, batchSize);
        settled = { published: [], failed: [] };
        if (rows.length > 0) {
          lastRowsAt = performance.now();
          settled = await publishBatch(ch, rows);
          if (settled.failed.length === 0) {
            failures = 0;
            if (rows.length === batchSize) continue;
            // The marks ride on the next claim (the next nudge, under load), within the lease.
            delay = Math.min(delay, markWithinMs);
          } else {
            failures += 1;
            delay = Math.min(200 * 2 ** failures, maxBackoffMs);
          }
        } else {
          failures = 0;
        }
      } catch (error) {
        failures += 1;
        delay = Math.min(200 * 2 ** failures, maxBackoffMs);
        log.warn({ err: error instanceof Error ? error.message : String(error), retryInMs: delay }, 'outbox batch failed');
      }
      await sleep(delay);
      const streaming = performance.now() - lastRowsAt < 4 * batchWaitMs;
      if (nudged && running && streaming) await new Promise((resolve) => setTimeout(resolve, batchWaitMs));
    }
    if (settled.published.length + settled.failed.length > 0) {
      await settleAndClaim(settled, 0).catch((error: unknown) =>
        // Unmarked rows are published again by the next relay after their lease: a duplicate, not a loss.
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not mark the last batch published'),
      );
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      channel = options.connection.createChannel({
        name: 'outbox-relay',
        confirm: true,
        setup: async (ch: ConfirmChannel) => {
          await assertEventsExchange(ch, options.prefix);
        },
      });
      loop = run(channel);
      log.info({ exchange }, 'outbox relay started');
    },
    nudge() {
      nudged = true;
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = null;
      await channel?.close();
      channel = null;
    },
  };
}
