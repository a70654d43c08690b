import { randomUUID } from 'node:crypto';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { Envelope, MessageContract } from '../../contracts/envelope.ts';
import type { Logger } from '../logging/logger.ts';
import type { AmqpConnectionManager } from './connection.ts';
import type { SqlClient, TransactionalSqlClient } from './sql.ts';
import { assertEventsExchange, topologyNames } from './topology.ts';

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
  const id = meta.id ?? randomUUID();
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
    rows.ids.push(randomUUID());
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

/** Builds an entry, keeping the payload checked against its contract's type. */
export function outboxEntry<TPayload>(contract: MessageContract<string, TPayload>, payload: TPayload, correlationId: string): OutboxEntry {
  return { contract, payload, correlationId };
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
  /** Rows claimed per transaction: small, so a lock is held briefly and relays share the work. */
  batchSize?: number;
  /** A publish not confirmed by then counts as failed and is retried. */
  publishTimeoutMs?: number;
  /** Longest back-off after failures. */
  maxBackoffMs?: number;
}

export interface OutboxRelay {
  start(): void;
  /** Look now (the caller just committed a row): saves waiting for the next poll. */
  nudge(): void;
  /** Finishes the batch in flight, then stops. */
  stop(): Promise<void>;
}

/**
 * Publishes the outbox to the events exchange with publisher confirms: claims unpublished rows
 * with `FOR UPDATE SKIP LOCKED` (several relays never publish the same row at once), publishes
 * each as a persistent message whose messageId is the row id, and marks only the confirmed ones
 * published in the same transaction. A publish lost to a dropped connection leaves its row
 * unpublished for the next round, so a message may go out twice but never zero times; consumers
 * dedupe on the id.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const log = options.logger.child({ component: 'outbox-relay' });
  const batchSize = options.batchSize ?? 50;
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const exchange = topologyNames(options.prefix).events;
  let channel: ChannelWrapper | null = null;
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let nudged = false;

  const publish = (ch: ChannelWrapper, row: OutboxRow) => {
    const occurredAt = row.occurred_at instanceof Date ? row.occurred_at.toISOString() : new Date(row.occurred_at).toISOString();
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

  /** One claimed batch; returns how many rows it saw and how many failed. */
  const runBatch = async (ch: ChannelWrapper) =>
    options.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT id::text AS id, type, version, payload, correlation_id, occurred_at
          FROM outbox_message
          WHERE published_at IS NULL
          ORDER BY occurred_at, id
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED`;
        const results = await Promise.allSettled(rows.map((row) => publish(ch, row)));
        const confirmed: string[] = [];
        let failed = 0;
        for (const [index, result] of results.entries()) {
          const row = rows[index];
          if (!row) continue;
          if (result.status === 'fulfilled') {
            confirmed.push(row.id);
          } else {
            failed += 1;
            log.warn({ messageId: row.id, type: row.type, err: result.reason instanceof Error ? result.reason.message : String(result.reason) }, 'publish not confirmed; will retry');
          }
        }
        // One statement for the batch: a round trip per row held the claimed rows' locks (and the
        // next batch) for as many round trips as the batch had rows.
        if (confirmed.length > 0) await tx.$executeRaw`UPDATE outbox_message SET published_at = now() WHERE id = ANY(${confirmed}::uuid[])`;
        return { seen: rows.length, failed };
      },
      { timeout: publishTimeoutMs + 10_000, maxWait: 5_000 },
    );

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
    while (running) {
      nudged = false;
      let delay = options.pollMs;
      try {
        const { seen, failed } = await runBatch(ch);
        if (failed > 0) {
          failures += 1;
          delay = Math.min(200 * 2 ** failures, maxBackoffMs);
        } else {
          failures = 0;
          if (seen === batchSize) continue;
        }
      } catch (error) {
        failures += 1;
        delay = Math.min(200 * 2 ** failures, maxBackoffMs);
        log.warn({ err: error instanceof Error ? error.message : String(error), retryInMs: delay }, 'outbox batch failed');
      }
      await sleep(delay);
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
