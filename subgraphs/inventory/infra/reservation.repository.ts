import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { allocate, type Allocation, type LocationStock } from '../domain/allocation.ts';
import { linesOf, type Reservation, type ReservationRequest } from '../domain/reservation.ts';
import { moveReservation, type ReservationStatus } from '../domain/reservation.process.ts';
import type { UserError } from '../../../platform/errors/user-error.ts';
import { LOCKING_TRANSACTION, type InventoryPrisma, type InventoryTransaction } from './prisma.ts';

export type ReserveFailure = { kind: 'INSUFFICIENT'; variantId: string; requested: number } | { kind: 'EXISTS'; reservation: Reservation };

export type TransitionFailure = { kind: 'NOT_FOUND' } | { kind: 'ILLEGAL'; errors: UserError[] } | { kind: 'NOT_EXPIRED' };

export interface ReservationRepository {
  /**
   * Holds the lines' units in one transaction: the reservation row first (its unique reference
   * makes a retry find the first attempt), then each variant's stock rows locked FOR UPDATE in
   * variant-id order, allocated, and raised with a conditional UPDATE. All or nothing: INSUFFICIENT
   * rolls everything back. EXISTS when the reference is taken (the caller compares the lines).
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

/** Rolls the reservation's transaction back, carrying why. */
class InsufficientStock extends Error {
  constructor(
    readonly variantId: string,
    readonly requested: number,
  ) {
    super(`insufficient stock of ${variantId}`);
  }
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
      try {
        const created = await db.$transaction(async (tx) => {
          // A concurrent twin with the same reference waits here on the unique index until the
          // first commits, then inserts nothing.
          const inserted = await tx.$queryRaw<{ id: string }[]>`
            INSERT INTO reservations (id, reference, status, expires_at, created_at, updated_at)
            VALUES (${id}::uuid, ${request.reference}, 'ACTIVE', ${expiresAt}, now(), now())
            ON CONFLICT (reference) DO NOTHING RETURNING id::text`;
          if (inserted.length === 0) return null;
          const allocations: (Allocation & { variantId: string })[] = [];
          for (const line of request.lines) {
            // The lock is what makes the allocation safe: nobody else changes these rows until we commit.
            const stocks = await tx.$queryRaw<LocationStock[]>`
              SELECT s.location_id::text AS "locationId", l.code AS "locationCode", s.on_hand AS "onHand", s.reserved
              FROM stock_items s JOIN locations l ON l.id = s.location_id
              WHERE s.variant_id = ${line.variantId}::uuid
              ORDER BY s.location_id FOR UPDATE OF s`;
            const split = allocate(stocks, line.quantity);
            if (!split) throw new InsufficientStock(line.variantId, line.quantity);
            for (const part of split) {
              // Conditional as well: the database, not our arithmetic, has the last word.
              const updated = await tx.$executeRaw`
                UPDATE stock_items SET reserved = reserved + ${part.quantity}, updated_at = now()
                WHERE variant_id = ${line.variantId}::uuid AND location_id = ${part.locationId}::uuid
                  AND on_hand - reserved >= ${part.quantity}`;
              if (updated !== 1) throw new InsufficientStock(line.variantId, line.quantity);
              allocations.push({ variantId: line.variantId, ...part });
            }
          }
          await tx.reservationAllocation.createMany({ data: allocations.map((part) => ({ reservationId: id, ...part })) });
          await tx.stockMovement.createMany({
            data: allocations.map((part) => ({
              id: randomUUID(),
              variantId: part.variantId,
              locationId: part.locationId,
              kind: 'RESERVED' as const,
              quantity: part.quantity,
              reason: `reservation ${request.reference}`,
              actor,
              reservationId: id,
            })),
          });
          const sorted = [...allocations].sort((a, b) => a.variantId.localeCompare(b.variantId) || a.locationId.localeCompare(b.locationId));
          return { id, reference: request.reference, status: 'ACTIVE' as const, expiresAt, allocations: sorted, lines: linesOf(sorted) };
        }, LOCKING_TRANSACTION);
        if (created) return ok(created);
      } catch (error) {
        if (error instanceof InsufficientStock) return fail({ kind: 'INSUFFICIENT', variantId: error.variantId, requested: error.requested });
        throw error;
      }
      const existing = await byReference(request.reference);
      if (!existing) throw new Error(`reservation ${request.reference} vanished after a reference conflict`);
      return fail({ kind: 'EXISTS', reservation: existing });
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
