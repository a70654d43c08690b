import { randomUUID } from 'node:crypto';
import type { OutboxEntry } from '../../../platform/messaging/outbox.ts';
import type { InventoryTransaction } from './prisma.ts';

/**
 * Writes many outbox rows in one statement (a reservation batch answers up to a few hundred saga
 * commands while it holds a hot SKU's row lock: one round trip, not one per reply). Each payload is
 * checked against its contract first, as writeOutbox does.
 */
export async function writeOutboxEntries(tx: InventoryTransaction, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const occurredAt = new Date().toISOString();
  const ids: string[] = [];
  const types: string[] = [];
  const versions: number[] = [];
  const payloads: string[] = [];
  const correlations: string[] = [];
  for (const entry of entries) {
    ids.push(randomUUID());
    types.push(entry.contract.type);
    versions.push(entry.contract.version);
    payloads.push(JSON.stringify(entry.contract.payload.parse(entry.payload)));
    correlations.push(entry.correlationId);
  }
  await tx.$executeRaw`
    INSERT INTO outbox_message (id, type, version, payload, correlation_id, occurred_at)
    SELECT id, type, version, payload, correlation_id, ${occurredAt}::timestamptz
    FROM unnest(${ids}::uuid[], ${types}::text[], ${versions}::int[], ${payloads}::jsonb[], ${correlations}::text[])
      AS t(id, type, version, payload, correlation_id)`;
}
