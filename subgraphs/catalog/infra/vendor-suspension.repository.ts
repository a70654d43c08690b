import type { SqlClient } from '../../../platform/messaging/sql.ts';
import type { CatalogPrisma } from './prisma.ts';

/** One announced change of a store's standing, as the vendor status events carry it. */
export interface VendorStandingChange {
  vendorId: string;
  suspended: boolean;
  /** When it happened at the source (the event's occurredAt). */
  at: Date;
  messageId: string;
}

/**
 * Catalog's own record of suspended stores (table vendor_suspensions), fed by the users
 * subgraph's events; shopper reads filter on it. The listing SQL in product.repository.ts reads
 * the same table.
 */
export interface VendorSuspensionRepository {
  /** Which of these stores are suspended now. */
  suspendedAmong(vendorIds: readonly string[]): Promise<string[]>;
  /**
   * Records a change through the message's transaction. Only a change that happened after the
   * last applied one takes effect, so a retried or reordered older event cannot undo a newer one;
   * returns whether it did.
   */
  apply(tx: SqlClient, change: VendorStandingChange): Promise<boolean>;
}

export function createVendorSuspensionRepository(db: CatalogPrisma): VendorSuspensionRepository {
  return {
    async suspendedAmong(vendorIds) {
      if (vendorIds.length === 0) return [];
      const rows = await db.vendorSuspension.findMany({ where: { vendorId: { in: [...vendorIds] }, suspended: true }, select: { vendorId: true } });
      return rows.map((row) => row.vendorId);
    },
    async apply(tx, change) {
      const applied = await tx.$executeRaw`
        INSERT INTO vendor_suspensions (vendor_id, suspended, changed_at, message_id)
        VALUES (${change.vendorId}::uuid, ${change.suspended}, ${change.at.toISOString()}::timestamptz, ${change.messageId}::uuid)
        ON CONFLICT (vendor_id) DO UPDATE
          SET suspended = EXCLUDED.suspended, changed_at = EXCLUDED.changed_at, message_id = EXCLUDED.message_id
          WHERE vendor_suspensions.changed_at < EXCLUDED.changed_at`;
      return applied > 0;
    },
  };
}
