import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { linesOf, type Reservation, type ReservationRequest } from '../domain/reservation.ts';
import { moveReservation, type ReservationStatus } from '../domain/reservation.process.ts';
import type { UserError } from '../../../platform/errors/user-error.ts';
import { LOCKING_TRANSACTION, type InventoryPrisma, type InventoryTransaction } from './prisma.ts';

export type ReserveFailure = { kind: 'INSUFFICIENT'; variantId: string; requested: number } | { kind: 'EXISTS'; reservation: Reservation };

export type TransitionFailure = { kind: 'NOT_FOUND' } | { kind: 'ILLEGAL'; errors: UserError[] } | { kind: 'NOT_EXPIRED' };

export interface ReservationRepository {
  /**
   * Holds the lines' units in one statement (one implicit transaction): the lines' stock rows locked
   * FOR UPDATE in (variant, location) order, split by the policy of domain/allocation.ts, and, only
   * if every line can be held in full and the reference is new, the reservation, the raised
   * `reserved` counts, the allocations and the movements. INSUFFICIENT changes nothing. EXISTS when
   * the reference is taken (the caller compares the lines).
   */
  reserve(request: ReservationRequest, expiresAt: Date, actor: string): Promise<Result<Reservation, ReserveFailure>>;
  /**
   * Moves an ACTIVE reservation to COMMITTED (units leave on hand) or RELEASED (units go back to
   * sale) with the reservation row locked, in one transaction. A reservation already there is
   * returned unchanged. `expiredBy`: release only if it expired by then (the sweeper's guard
   * against a commit that got there first).
   */
  transition(reference: string, to: Exclude<ReservationStatus, 'ACTIVE'>, actor: string, options?: { expiredBy?: Date }): Promise<Result<Reservation, TransitionFailure>>;
  byReference(reference: string): Promise<Reservation | null>;
  /** References of ACTIVE reservations that expired by `now`, oldest first. */
  expiredReferences(now: Date, limit: number): Promise<string[]>;
}

type ReservationRow = { id: string; reference: string; status: ReservationStatus; expiresAt: Date };
type AllocationRow = { variantId: string; locationId: string; quantity: number };

async function load(tx: InventoryTransaction | InventoryPrisma, row: ReservationRow): Promise<Reservation> {
  const allocations = await tx.$queryRaw<AllocationRow[]>`
    SELECT variant_id::text AS "variantId", location_id::text AS "locationId", quantity
    FROM reservation_allocations WHERE reservation_id = ${row.id}::uuid ORDER BY variant_id, location_id`;
  return { ...row, allocations, lines: linesOf(allocations) };
}

const selectReservation = (tx: InventoryTransaction | InventoryPrisma, reference: string, lock: boolean) =>
  lock
    ? tx.$queryRaw<ReservationRow[]>`
        SELECT id::text, reference, status::text AS status, expires_at AS "expiresAt" FROM reservations WHERE reference = ${reference} FOR UPDATE`
    : tx.$queryRaw<ReservationRow[]>`
        SELECT id::text, reference, status::text AS status, expires_at AS "expiresAt" FROM reservations WHERE reference = ${reference}`;

export function createReservationRepository(db: InventoryPrisma): ReservationRepository {
  async function byReference(reference: string): Promise<Reservation | null> {
    const [row] = await selectReservation(db, reference, false);
    return row ? load(db, row) : null;
  }

  return {
    byReference,

    async reserve(request, expiresAt, actor) {
      const id = randomUUID();
      const variantIds = request.lines.map((line) => line.variantId);
      const quantities = request.lines.map((line) => line.quantity);
      const reason = `reservation ${request.reference}`;
      // One statement, so the stock rows stay locked only while it runs (a hot SKU serialises on
      // that lock: every extra round trip under it would cut throughput). In order:
      //  locked    the lines' stock rows, locked FOR UPDATE in (variant, location) order, so two
      //            reservations never wait on each other in opposite orders. Postgres re-reads a row
      //            it had to wait for, so these are the committed values of the moment.
      //  alloc     each line split over its warehouses, fullest first (ties by code), from those values
      //  shortfall lines that cannot be held in full: then nothing below happens (all or nothing)
      //  res       the reservation, unless its reference exists (a concurrent twin waits here on the
      //            unique index until the first commits, then inserts nothing)
      //  upd       reserved += take, only with a new reservation, still conditional on availability
      //  the allocations and RESERVED movements, from what upd changed
      // The CHECK constraints refuse any row this could ever over-reserve.
      const [row] = await db.$queryRaw<{ id: string | null; shortVariant: string | null; shortQuantity: number | null; allocations: AllocationRow[] }[]>`
        WITH input AS (
          SELECT * FROM unnest(${variantIds}::uuid[], ${quantities}::int[]) AS t(variant_id, qty)
        ),
        locked AS (
          SELECT s.id, s.variant_id, s.location_id, l.code, s.on_hand - s.reserved AS avail
          FROM stock_items s JOIN locations l ON l.id = s.location_id
          WHERE s.variant_id IN (SELECT variant_id FROM input) AND s.on_hand > s.reserved
          ORDER BY s.variant_id, s.location_id
          FOR UPDATE OF s
        ),
        ranked AS (
          SELECT k.*, i.qty, sum(k.avail) OVER (PARTITION BY k.variant_id ORDER BY k.avail DESC, k.code, k.id) AS cum
          FROM locked k JOIN input i ON i.variant_id = k.variant_id
        ),
        alloc AS (
          SELECT id, variant_id, location_id, LEAST(avail, qty - (cum - avail))::int AS take FROM ranked WHERE cum - avail < qty
        ),
        shortfall AS (
          SELECT i.variant_id, i.qty FROM input i
          LEFT JOIN (SELECT variant_id, sum(take) AS total FROM alloc GROUP BY variant_id) t ON t.variant_id = i.variant_id
          WHERE COALESCE(t.total, 0) < i.qty
        ),
        res AS (
          INSERT INTO reservations (id, reference, status, expires_at, created_at, updated_at)
          SELECT ${id}::uuid, ${request.reference}, 'ACTIVE', ${expiresAt}, now(), now()
          WHERE NOT EXISTS (SELECT 1 FROM shortfall)
          ON CONFLICT (reference) DO NOTHING
          RETURNING id
        ),
        upd AS (
          UPDATE stock_items s SET reserved = s.reserved + a.take, updated_at = now()
          FROM alloc a
          WHERE s.id = a.id AND EXISTS (SELECT 1 FROM res) AND s.on_hand - s.reserved >= a.take
          RETURNING s.variant_id, s.location_id, a.take
        ),
        allocations AS (
          INSERT INTO reservation_allocations (reservation_id, variant_id, location_id, quantity)
          SELECT r.id, u.variant_id, u.location_id, u.take FROM upd u CROSS JOIN res r
        ),
        movements AS (
          INSERT INTO stock_movements (id, variant_id, location_id, kind, quantity, reason, actor, reservation_id, at)
          SELECT gen_random_uuid(), u.variant_id, u.location_id, 'RESERVED', u.take, ${reason}, ${actor}, r.id, now()
          FROM upd u CROSS JOIN res r
        )
        SELECT
          (SELECT id::text FROM res) AS id,
          (SELECT variant_id::text FROM shortfall ORDER BY variant_id LIMIT 1) AS "shortVariant",
          (SELECT qty FROM shortfall ORDER BY variant_id LIMIT 1) AS "shortQuantity",
          COALESCE((SELECT json_agg(json_build_object('variantId', variant_id, 'locationId', location_id, 'quantity', take)
                    ORDER BY variant_id, location_id) FROM upd), '[]'::json) AS allocations`;
      if (row?.id) {
        const allocations = row.allocations;
        const held = allocations.reduce((sum, part) => sum + part.quantity, 0);
        // Cannot happen while the rows are locked; if it ever did, say so loudly rather than hide it.
        if (held !== quantities.reduce((sum, quantity) => sum + quantity, 0)) throw new Error(`reservation ${request.reference} holds ${held} units, not what was asked`);
        return ok({ id: row.id, reference: request.reference, status: 'ACTIVE', expiresAt, allocations, lines: linesOf(allocations) });
      }
      // Nothing inserted: an existing reference wins over a shortfall (a retry after the stock ran out
      // still gets its first reservation back).
      const existing = await byReference(request.reference);
      if (existing) return fail({ kind: 'EXISTS', reservation: existing });
      if (row?.shortVariant) return fail({ kind: 'INSUFFICIENT', variantId: row.shortVariant, requested: row.shortQuantity ?? 0 });
      throw new Error(`reservation ${request.reference} was neither made nor refused`);
    },

    async transition(reference, to, actor, options = {}) {
      return db.$transaction(async (tx) => {
        const [row] = await selectReservation(tx, reference, true);
        if (!row) return fail({ kind: 'NOT_FOUND' as const });
        const move = moveReservation(row.status, to);
        if (!move.ok) return fail({ kind: 'ILLEGAL' as const, errors: move.errors });
        const current = await load(tx, row);
        if (move.value === 'already-done') return ok(current);
        if (options.expiredBy && row.expiresAt > options.expiredBy) return fail({ kind: 'NOT_EXPIRED' as const });
        await tx.$executeRaw`UPDATE reservations SET status = ${to}::"ReservationStatus", updated_at = now() WHERE id = ${row.id}::uuid`;
        for (const part of current.allocations) {
          // Allocations are in variant/location order: the same lock order as reserve.
          if (to === 'COMMITTED') {
            await tx.$executeRaw`
              UPDATE stock_items SET on_hand = on_hand - ${part.quantity}, reserved = reserved - ${part.quantity}, updated_at = now()
              WHERE variant_id = ${part.variantId}::uuid AND location_id = ${part.locationId}::uuid`;
          } else {
            await tx.$executeRaw`
              UPDATE stock_items SET reserved = reserved - ${part.quantity}, updated_at = now()
              WHERE variant_id = ${part.variantId}::uuid AND location_id = ${part.locationId}::uuid`;
          }
        }
        await tx.stockMovement.createMany({
          data: current.allocations.map((part) => ({
            id: randomUUID(),
            variantId: part.variantId,
            locationId: part.locationId,
            kind: to,
            quantity: -part.quantity,
            reason: `${options.expiredBy ? 'expired ' : ''}reservation ${reference}`,
            actor,
            reservationId: row.id,
          })),
        });
        return ok({ ...current, status: to });
      }, LOCKING_TRANSACTION);
    },

    async expiredReferences(now, limit) {
      const rows = await db.$queryRaw<{ reference: string }[]>`
        SELECT reference FROM reservations WHERE status = 'ACTIVE' AND expires_at <= ${now}
        ORDER BY expires_at LIMIT ${limit}`;
      return rows.map((row) => row.reference);
    },
  };
}
