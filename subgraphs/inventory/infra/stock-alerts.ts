import { lowStockV1 } from '../../../contracts/inventory.ts';
import { outboxEntry, type OutboxEntry } from '../../../platform/messaging/outbox.ts';
import { lowStockChange } from '../domain/low-stock.ts';
import { writeOutboxEntries } from '../../../platform/messaging/outbox.ts';
import type { InventoryTransaction } from './prisma.ts';

type AlertRow = { variantId: string; threshold: number | null; low: boolean };
type TotalRow = { variantId: string; available: number; vendorId: string | null };

/**
 * Re-evaluates the low-stock alerts of variants whose stock this transaction just changed, and
 * raises inventory.low_stock (through the outbox, in the same transaction) for each that crossed
 * from above its threshold to at or below it; one that rose above again is re-armed.
 *
 * Call it after the stock change, with the stock rows already locked: the alert rows are locked
 * here (in variant order, always after the stock rows, so no two changes wait on each other in
 * opposite orders), and the totals read after that lock, so two changes of one variant in two
 * warehouses (different stock rows) see each other's committed units and raise at most once.
 * `correlationOf` names the request that caused each variant's change.
 */
export async function applyLowStockAlerts(
  tx: InventoryTransaction,
  correlationOf: ReadonlyMap<string, string>,
  defaultThreshold: number,
): Promise<number> {
  const variantIds = [...correlationOf.keys()].sort();
  if (variantIds.length === 0) return 0;
  // The upsert both creates a missing alert row and locks an existing one (DO UPDATE takes the row
  // lock, waiting for a concurrent change of the variant to commit), returning its committed state.
  const alerts = await tx.$queryRaw<AlertRow[]>`
    INSERT INTO stock_alerts (variant_id, threshold, low, updated_at)
    SELECT v, NULL, false, now() FROM unnest(${variantIds}::uuid[]) AS t(v) ORDER BY v
    ON CONFLICT (variant_id) DO UPDATE SET variant_id = EXCLUDED.variant_id
    RETURNING variant_id::text AS "variantId", threshold, low`;
  const totals = await tx.$queryRaw<TotalRow[]>`
    SELECT s.variant_id::text AS "variantId", SUM(GREATEST(s.on_hand - s.reserved, 0))::int AS available,
           (SELECT o.vendor_id::text FROM variant_owners o WHERE o.variant_id = s.variant_id) AS "vendorId"
    FROM stock_items s
    WHERE s.variant_id = ANY(${variantIds}::uuid[])
    GROUP BY s.variant_id`;
  const totalOf = new Map(totals.map((row) => [row.variantId, row]));
  const raised: string[] = [];
  const rearmed: string[] = [];
  const events: OutboxEntry[] = [];
  for (const alert of alerts) {
    const total = totalOf.get(alert.variantId);
    // A variant never stocked anywhere has nothing to run low on.
    if (!total) continue;
    const threshold = alert.threshold ?? defaultThreshold;
    const change = lowStockChange(alert.low, total.available, threshold);
    if (change === 'raise') {
      raised.push(alert.variantId);
      events.push(
        outboxEntry(lowStockV1, { variantId: alert.variantId, vendorId: total.vendorId, available: total.available, threshold }, correlationOf.get(alert.variantId) ?? 'inventory'),
      );
    } else if (change === 'rearm') {
      rearmed.push(alert.variantId);
    }
  }
  if (raised.length > 0) await tx.$executeRaw`UPDATE stock_alerts SET low = true, updated_at = now() WHERE variant_id = ANY(${raised}::uuid[])`;
  if (rearmed.length > 0) await tx.$executeRaw`UPDATE stock_alerts SET low = false, updated_at = now() WHERE variant_id = ANY(${rearmed}::uuid[])`;
  await writeOutboxEntries(tx, events);
  return raised.length;
}
