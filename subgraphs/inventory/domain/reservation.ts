import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { InventoryErrorCodes } from './error-codes.ts';
import type { ReservationStatus } from './reservation.process.ts';
import { LIMITS } from './stock.ts';

/** Units of one variant to hold. */
export interface ReservationLine {
  variantId: string;
  quantity: number;
}

/** A hold on stock for one checkout, addressed by its reference (e.g. the order id). */
export interface Reservation {
  id: string;
  reference: string;
  status: ReservationStatus;
  expiresAt: Date;
  /** One per variant, by variant id. */
  lines: ReservationLine[];
  /** Where the units are held: per variant per warehouse. */
  allocations: { variantId: string; locationId: string; quantity: number }[];
}

export interface ReservationRequest {
  reference: string;
  /** Merged by variant and sorted by variant id: rows are always locked in the same order (no deadlocks). */
  lines: ReservationLine[];
  ttlSeconds: number;
}

/** How long a hold may last at most: a checkout that takes longer has failed. */
export const MAX_RESERVATION_TTL_SECONDS = 24 * 60 * 60;

const invalid = (message: string, field: string[]): UserError => userError(ErrorCodes.VALIDATION_FAILED, message, field);

/**
 * Checks a reservation request and normalises it: lines of the same variant are merged, every
 * quantity is a whole number of units within LIMITS.quantity, the TTL between 1 s and 24 h.
 */
export function validateReservation(reference: string, lines: readonly ReservationLine[], ttlSeconds: number): Result<ReservationRequest> {
  const errors: UserError[] = [];
  const ref = reference.trim();
  if (ref.length === 0 || ref.length > 200) errors.push(invalid('A reservation reference is 1 to 200 characters.', ['reference']));
  if (lines.length === 0 || lines.length > LIMITS.reservationLines) errors.push(invalid(`Reserve 1 to ${LIMITS.reservationLines} lines.`, ['lines']));
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_RESERVATION_TTL_SECONDS) {
    errors.push(invalid(`A reservation lasts 1 to ${MAX_RESERVATION_TTL_SECONDS} seconds.`, ['ttlSeconds']));
  }
  const merged = new Map<string, number>();
  lines.forEach((line, index) => {
    if (!isUuid(line.variantId)) errors.push(invalid('The variant id is not a valid id.', ['lines', String(index), 'variantId']));
    else if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > LIMITS.quantity) {
      errors.push(invalid(`Reserve between 1 and ${LIMITS.quantity.toLocaleString('en')} units.`, ['lines', String(index), 'quantity']));
    } else {
      const id = line.variantId.toLowerCase();
      merged.set(id, (merged.get(id) ?? 0) + line.quantity);
    }
  });
  for (const [variantId, quantity] of merged) {
    if (quantity > LIMITS.quantity) errors.push(invalid(`Reserve at most ${LIMITS.quantity.toLocaleString('en')} units of one variant.`, ['lines', variantId]));
  }
  if (errors.length > 0) return fail(...errors);
  const sorted = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([variantId, quantity]) => ({ variantId, quantity }));
  return ok({ reference: ref, lines: sorted, ttlSeconds });
}

/** True when an existing reservation holds exactly these (normalised) lines: a retry, not a conflict. */
export function sameLines(a: readonly ReservationLine[], b: readonly ReservationLine[]): boolean {
  return a.length === b.length && a.every((line, index) => line.variantId === b[index]?.variantId && line.quantity === b[index]?.quantity);
}

/** Lines from allocations: the units per variant, sorted by variant id. */
export function linesOf(allocations: readonly { variantId: string; quantity: number }[]): ReservationLine[] {
  const merged = new Map<string, number>();
  for (const allocation of allocations) merged.set(allocation.variantId, (merged.get(allocation.variantId) ?? 0) + allocation.quantity);
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([variantId, quantity]) => ({ variantId, quantity }));
}

export const insufficientStock = (variantId: string, requested: number): UserError =>
  userError(InventoryErrorCodes.STOCK_INSUFFICIENT, `Fewer than the ${requested} units of variant ${variantId} are available.`, ['lines', variantId]);

/** A line that could not be held in full: what was asked and what was available when tried. */
export interface Shortage {
  variantId: string;
  requested: number;
  available: number;
}

/**
 * How a reserve for a reference that already has a reservation is answered (a redelivered or
 * re-sent command, or one that arrives after the order was cancelled):
 * - `released`: the reference's stock was given back (released, returned, or a release came first
 *   and left a tombstone): nothing is held, and nothing will be; a cancelled order never holds stock.
 * - `reserved`: the same lines are held (or were committed): the first outcome again.
 * - `conflict`: the reference holds other lines.
 */
export type ExistingReservationAnswer = 'reserved' | 'released' | 'conflict';

export function answerForExisting(existing: Pick<Reservation, 'status' | 'lines'>, lines: readonly ReservationLine[]): ExistingReservationAnswer {
  if (existing.status === 'RELEASED' || existing.status === 'RETURNED') return 'released';
  return sameLines(existing.lines, lines) ? 'reserved' : 'conflict';
}
