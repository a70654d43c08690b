import { randomUUID } from 'node:crypto';
import type { OutboxEntry } from '../../../platform/messaging/outbox.ts';

/**
 * Outbox rows as the parallel arrays `unnest` takes, for a statement that writes them beside its
 * own change (a saga step's move, a placement) instead of in a round trip of its own: the same
 * rows platform's writeOutboxEntries writes, each payload checked against its contract first, so
 * a producer bug fails the change instead of poisoning every consumer.
 */
export interface OutboxRows {
  ids: string[];
  types: string[];
  versions: number[];
  /** JSON text, cast to jsonb[] in the statement. */
  payloads: string[];
  correlationIds: string[];
  /** ISO time, one for the batch (as writeOutboxEntries stamps it). */
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
