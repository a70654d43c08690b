import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { isUniqueViolationOn } from '../../../platform/prisma/unique-violation.ts';
import type { Location, StockLevel, StockMovement, StockMovementKind } from '../domain/stock.ts';
import { Prisma, LOCKING_TRANSACTION, type InventoryPrisma, type InventoryTransaction } from './prisma.ts';
import { applyLowStockAlerts } from './stock-alerts.ts';

export interface ReceiptRecord {
  variantId: string;
  sku: string | null;
  location: Location;
  quantity: number;
  reason: string;
  actor: string;
  /** Recorded as the variant's owner when inventory does not know it yet. */
  ownerIfNew: string;
  /** The request id: the correlation id of a low-stock event the change raises. */
  correlationId: string;
}

export interface AdjustmentRecord {
  variantId: string;
  location: Location;
  delta: number;
  reason: string;
  actor: string;
  correlationId: string;
}

/** A stock mutation sent with an idempotency key: who sent it, the key, and what the request was. */
export interface IdempotencyClaim {
  actor: string;
  key: string;
  requestHash: string;
}

/** Another request already used this caller's key. */
export type KeyFailure = 'KEY_REUSED';

/** Keyset position in a variant's movements (newest first). */
export interface MovementCursor {
  at: string;
  id: string;
}

export interface StockRepository {
  locationByCode(code: string): Promise<Location | null>;
  locationsByIds(ids: readonly string[]): Promise<Location[]>;
  /** CODE_TAKEN when another warehouse has the code (a race the service could not see). */
  insertLocation(location: { code: string; name: string }): Promise<Result<Location, 'CODE_TAKEN'>>;
  /** The vendor recorded as the variant's owner, or null. */
  ownerOf(variantId: string): Promise<string | null>;
  /**
   * Adds units, records the owner if new and the RECEIVED movement, in one transaction.
   * OWNED_BY_OTHER when, by then, the variant is owned by another vendor than `ownerIfNew`'s caller
   * expected (a first receipt raced another vendor's).
   */
  receive(record: ReceiptRecord, expectedOwner: string | null, claim: IdempotencyClaim | null): Promise<Result<StockLevel, 'OWNED_BY_OTHER' | KeyFailure>>;
  /**
   * Changes on hand by a delta with one conditional UPDATE (never below reserved, never below 0)
   * and records the ADJUSTED movement, in one transaction.
   *
   * Both, with a claim: the key is taken first in the same transaction (a concurrent twin waits on
   * it, then finds it), the outcome stored with it; a retry with the same request gets the stored
   * level back and moves nothing, another request under the key is KEY_REUSED. A refusal releases
   * the key (nothing happened, so a corrected retry may use it).
   */
  adjust(record: AdjustmentRecord, claim: IdempotencyClaim | null): Promise<Result<StockLevel, 'NOT_FOUND' | 'BELOW_RESERVED' | KeyFailure>>;
  /** One variant's stock in every warehouse. */
  levels(variantId: string): Promise<StockLevel[]>;
  /** Available units (on hand − reserved) summed over warehouses, for many variants in one query. */
  availableByVariant(variantIds: readonly string[]): Promise<Map<string, number>>;
  /** A page of one variant's movements, newest first; `limit + 1` rows to tell whether more follow. */
  movements(variantId: string, limit: number, after: MovementCursor | null): Promise<StockMovement[]>;
  countMovements(variantId: string): Promise<number>;
  /**
   * Sets a variant's low-stock threshold and re-evaluates its alert in the same transaction (a
   * threshold raised to or above the current availability is a crossing: inventory.low_stock goes
   * out). Returns whether the variant is low now.
   */
  setLowStockThreshold(variantId: string, threshold: number, correlationId: string): Promise<{ threshold: number; low: boolean; available: number }>;
  /** Deletes up to `limit` stored idempotency outcomes created before `before`; returns how many (the retention job). */
  deleteStoredOutcomes(before: Date, limit: number): Promise<number>;
}

type LevelRow = { variantId: string; sku: string | null; onHand: number; reserved: number; locationId: string; code: string; name: string };

const toLevel = (row: LevelRow): StockLevel => ({
  variantId: row.variantId,
  sku: row.sku,
  location: { id: row.locationId, code: row.code, name: row.name },
  onHand: row.onHand,
  reserved: row.reserved,
  available: Math.max(0, row.onHand - row.reserved),
});

/** Rolls a transaction back with an expected outcome (so a refusal leaves no claimed key behind). */
class Refused<K extends string> extends Error {
  constructor(readonly kind: K) {
    super(kind);
  }
}

/** What a claim found: null when the key is new (now ours), else the first request's hash and outcome. */
async function claimKey(tx: InventoryTransaction, claim: IdempotencyClaim | null): Promise<{ requestHash: string; result: StockLevel } | null> {
  if (!claim) return null;
  const inserted = await tx.$executeRaw`
    INSERT INTO stock_requests (actor, key, request_hash, result, created_at)
    VALUES (${claim.actor}, ${claim.key}, ${claim.requestHash}, 'null'::jsonb, now())
    ON CONFLICT (actor, key) DO NOTHING`;
  if (inserted === 1) return null;
  const [first] = await tx.$queryRaw<{ requestHash: string; result: StockLevel }[]>`
    SELECT request_hash AS "requestHash", result FROM stock_requests WHERE actor = ${claim.actor} AND key = ${claim.key}`;
  if (!first) throw new Error('an idempotency key vanished while claimed');
  return first;
}

async function storeOutcome(tx: InventoryTransaction, claim: IdempotencyClaim | null, level: StockLevel): Promise<void> {
  if (!claim) return;
  await tx.$executeRaw`UPDATE stock_requests SET result = ${JSON.stringify(level)}::jsonb WHERE actor = ${claim.actor} AND key = ${claim.key}`;
}

/** Runs a stock change in a transaction; a Refused outcome rolls it back and comes back as a failure. */
async function refusable<T, K extends string>(run: () => Promise<T>): Promise<Result<T, K>> {
  try {
    return ok(await run());
  } catch (error) {
    if (error instanceof Refused) return fail(error.kind as K);
    throw error;
  }
}

type MovementRow = { id: string; variantId: string; locationId: string; kind: StockMovementKind; quantity: number; reason: string; actor: string; at: Date };

export interface StockSettings {
  /** The low-stock threshold of a variant that has none of its own. */
  lowStockThreshold: number;
}

export function createStockRepository(db: InventoryPrisma, settings: StockSettings): StockRepository {
  return {
    async locationByCode(code) {
      return db.location.findUnique({ where: { code }, select: { id: true, code: true, name: true } });
    },

    async locationsByIds(ids) {
      if (ids.length === 0) return [];
      return db.location.findMany({ where: { id: { in: [...ids] } }, select: { id: true, code: true, name: true } });
    },

    async insertLocation(location) {
      try {
        return ok(await db.location.create({ data: { id: randomUUID(), ...location }, select: { id: true, code: true, name: true } }));
      } catch (error) {
        if (isUniqueViolationOn(error, 'code')) return fail('CODE_TAKEN');
        throw error;
      }
    },

    async ownerOf(variantId) {
      const row = await db.variantOwner.findUnique({ where: { variantId } });
      return row?.vendorId ?? null;
    },

    async receive(record, expectedOwner, claim) {
      return refusable<StockLevel, 'OWNED_BY_OTHER' | KeyFailure>(() => db.$transaction(async (tx) => {
        const first = await claimKey(tx, claim);
        if (first) {
          if (first.requestHash !== claim?.requestHash) throw new Refused('KEY_REUSED');
          return first.result;
        }
        // First receipt records the owner; a concurrent first receipt by another vendor loses here.
        await tx.$executeRaw`
          INSERT INTO variant_owners (variant_id, vendor_id) VALUES (${record.variantId}::uuid, ${record.ownerIfNew}::uuid)
          ON CONFLICT (variant_id) DO NOTHING`;
        const owner = await tx.$queryRaw<{ vendorId: string }[]>`
          SELECT vendor_id::text AS "vendorId" FROM variant_owners WHERE variant_id = ${record.variantId}::uuid`;
        const ownerId = owner[0]?.vendorId ?? null;
        if (expectedOwner !== null && ownerId !== expectedOwner) throw new Refused('OWNED_BY_OTHER');
        // One statement adds to the row or creates it: two receipts at once both count.
        const rows = await tx.$queryRaw<{ onHand: number; reserved: number; sku: string | null }[]>`
          INSERT INTO stock_items (id, variant_id, sku, location_id, on_hand, reserved, updated_at)
          VALUES (${randomUUID()}::uuid, ${record.variantId}::uuid, ${record.sku}, ${record.location.id}::uuid, ${record.quantity}, 0, now())
          ON CONFLICT (variant_id, location_id) DO UPDATE
            SET on_hand = stock_items.on_hand + EXCLUDED.on_hand,
                sku = COALESCE(EXCLUDED.sku, stock_items.sku),
                updated_at = now()
          RETURNING on_hand AS "onHand", reserved, sku`;
        await tx.stockMovement.create({
          data: {
            id: randomUUID(),
            variantId: record.variantId,
            locationId: record.location.id,
            kind: 'RECEIVED',
            quantity: record.quantity,
            reason: record.reason,
            actor: record.actor,
          },
        });
        await applyLowStockAlerts(tx, new Map([[record.variantId, record.correlationId]]), settings.lowStockThreshold);
        const row = rows[0];
        if (!row) throw new Error('stock upsert returned no row');
        const level = toLevel({ ...row, variantId: record.variantId, locationId: record.location.id, code: record.location.code, name: record.location.name });
        await storeOutcome(tx, claim, level);
        return level;
      }, LOCKING_TRANSACTION));
    },

    async adjust(record, claim) {
      return refusable<StockLevel, 'NOT_FOUND' | 'BELOW_RESERVED' | KeyFailure>(() => db.$transaction(async (tx) => {
        const first = await claimKey(tx, claim);
        if (first) {
          if (first.requestHash !== claim?.requestHash) throw new Refused('KEY_REUSED');
          return first.result;
        }
        // The condition is the rule: no read-then-write, so a concurrent reservation cannot slip
        // between a check and the update (the CHECK constraints back it up).
        const rows = await tx.$queryRaw<{ onHand: number; reserved: number; sku: string | null }[]>`
          UPDATE stock_items SET on_hand = on_hand + ${record.delta}, updated_at = now()
          WHERE variant_id = ${record.variantId}::uuid AND location_id = ${record.location.id}::uuid
            AND on_hand + ${record.delta} >= reserved AND on_hand + ${record.delta} >= 0
          RETURNING on_hand AS "onHand", reserved, sku`;
        const row = rows[0];
        if (!row) {
          const exists = await tx.stockItem.count({ where: { variantId: record.variantId, locationId: record.location.id } });
          throw new Refused(exists > 0 ? 'BELOW_RESERVED' : 'NOT_FOUND');
        }
        await tx.stockMovement.create({
          data: {
            id: randomUUID(),
            variantId: record.variantId,
            locationId: record.location.id,
            kind: 'ADJUSTED',
            quantity: record.delta,
            reason: record.reason,
            actor: record.actor,
          },
        });
        await applyLowStockAlerts(tx, new Map([[record.variantId, record.correlationId]]), settings.lowStockThreshold);
        const level = toLevel({ ...row, variantId: record.variantId, locationId: record.location.id, code: record.location.code, name: record.location.name });
        await storeOutcome(tx, claim, level);
        return level;
      }, LOCKING_TRANSACTION));
    },

    async levels(variantId) {
      const rows = await db.$queryRaw<LevelRow[]>`
        SELECT s.variant_id::text AS "variantId", s.sku, s.on_hand AS "onHand", s.reserved, l.id::text AS "locationId", l.code, l.name
        FROM stock_items s JOIN locations l ON l.id = s.location_id
        WHERE s.variant_id = ${variantId}::uuid ORDER BY l.code`;
      return rows.map(toLevel);
    },

    async availableByVariant(variantIds) {
      if (variantIds.length === 0) return new Map();
      const rows = await db.$queryRaw<{ variantId: string; available: number }[]>`
        SELECT variant_id::text AS "variantId", SUM(GREATEST(on_hand - reserved, 0))::int AS available
        FROM stock_items WHERE variant_id = ANY(${[...variantIds]}::uuid[]) GROUP BY variant_id`;
      return new Map(rows.map((row) => [row.variantId, row.available]));
    },

    async movements(variantId, limit, after) {
      const position = after ? Prisma.sql`AND (at, id) < (${new Date(after.at)}, ${after.id}::uuid)` : Prisma.empty;
      return db.$queryRaw<MovementRow[]>`
        SELECT id::text, variant_id::text AS "variantId", location_id::text AS "locationId", kind::text AS kind, quantity, reason, actor, at
        FROM stock_movements WHERE variant_id = ${variantId}::uuid ${position}
        ORDER BY at DESC, id DESC LIMIT ${limit + 1}`;
    },

    countMovements: (variantId) => db.stockMovement.count({ where: { variantId } }),

    async setLowStockThreshold(variantId, threshold, correlationId) {
      return db.$transaction(async (tx) => {
        await tx.$executeRaw`
          INSERT INTO stock_alerts (variant_id, threshold, low, updated_at) VALUES (${variantId}::uuid, ${threshold}, false, now())
          ON CONFLICT (variant_id) DO UPDATE SET threshold = EXCLUDED.threshold, updated_at = now()`;
        await applyLowStockAlerts(tx, new Map([[variantId, correlationId]]), settings.lowStockThreshold);
        const [state] = await tx.$queryRaw<{ low: boolean; available: number }[]>`
          SELECT a.low, COALESCE((SELECT SUM(GREATEST(on_hand - reserved, 0)) FROM stock_items WHERE variant_id = a.variant_id), 0)::int AS available
          FROM stock_alerts a WHERE a.variant_id = ${variantId}::uuid`;
        return { threshold, low: state?.low ?? false, available: state?.available ?? 0 };
      }, LOCKING_TRANSACTION);
    },

    async deleteStoredOutcomes(before, limit) {
      return db.$executeRaw`
        DELETE FROM stock_requests WHERE (actor, key) IN (
          SELECT actor, key FROM stock_requests WHERE created_at < ${before} ORDER BY created_at LIMIT ${limit})`;
    },
  };
}
