import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { InventoryErrorCodes } from '../domain/error-codes.ts';
import { insufficientStock, sameLines, validateReservation, type Reservation, type ReservationLine } from '../domain/reservation.ts';
import type { ReservationRepository } from '../infra/reservation.repository.ts';
import type { Clock } from './clock.ts';

/** Who holds, commits or releases: recorded as the movements' actor (the saga's step, the sweeper). */
export interface ReservationCaller {
  actor: string;
  logger: Logger;
}

/**
 * Stock holds for checkout, as application services (not exposed to GraphQL clients): the checkout
 * saga will call them through its message handlers. Every method is idempotent by the reservation's
 * reference, so a redelivered command returns the first outcome and changes nothing.
 */
export interface ReservationService {
  /**
   * Holds every line's units for `ttlSeconds`, all or nothing, never overselling under any
   * concurrency. The same reference with the same lines returns the first reservation (whatever
   * its status now); with other lines RESERVATION_REFERENCE_CONFLICT. STOCK_INSUFFICIENT when any
   * line cannot be held in full.
   */
  reserve(caller: ReservationCaller, reference: string, lines: readonly ReservationLine[], ttlSeconds: number): Promise<Result<Reservation>>;
  /** The order is confirmed: held units leave on-hand stock. Idempotent; a released reservation cannot be committed. */
  commit(caller: ReservationCaller, reference: string): Promise<Result<Reservation>>;
  /** The checkout was abandoned: held units go back to sale. Idempotent; a committed reservation cannot be released. */
  release(caller: ReservationCaller, reference: string): Promise<Result<Reservation>>;
  byReference(reference: string): Promise<Reservation | null>;
}

const notFound = () => fail(userError(InventoryErrorCodes.RESERVATION_NOT_FOUND, 'No reservation has this reference.', ['reference']));

export function createReservationService(deps: { reservations: ReservationRepository; clock: Clock }): ReservationService {
  async function move(caller: ReservationCaller, reference: string, to: 'COMMITTED' | 'RELEASED'): Promise<Result<Reservation>> {
    const moved = await deps.reservations.transition(reference.trim(), to, caller.actor);
    if (moved.ok) {
      caller.logger.child({ component: 'ReservationService' }).info({ reference, status: to }, 'reservation moved');
      return moved;
    }
    const [failure] = moved.errors;
    if (failure?.kind === 'ILLEGAL') return fail(...failure.errors);
    return notFound();
  }

  return {
    async reserve(caller, reference, lines, ttlSeconds) {
      const valid = validateReservation(reference, lines, ttlSeconds);
      if (!valid.ok) return valid;
      const request = valid.value;
      const expiresAt = new Date(deps.clock().getTime() + request.ttlSeconds * 1000);
      const reserved = await deps.reservations.reserve(request, expiresAt, caller.actor);
      const log = caller.logger.child({ component: 'ReservationService' });
      if (reserved.ok) {
        log.info({ reference: request.reference, lines: request.lines.length }, 'stock reserved');
        return reserved;
      }
      const [failure] = reserved.errors;
      if (failure?.kind === 'EXISTS') {
        if (sameLines(failure.reservation.lines, request.lines)) return ok(failure.reservation);
        return fail(userError(InventoryErrorCodes.RESERVATION_REFERENCE_CONFLICT, 'This reference already holds other lines.', ['reference']));
      }
      if (failure?.kind === 'INSUFFICIENT') {
        log.info({ reference: request.reference, variantId: failure.variantId }, 'reservation refused: insufficient stock');
        return fail(insufficientStock(failure.variantId, failure.requested));
      }
      throw new Error('reserve failed without a reason');
    },
    commit: (caller, reference) => move(caller, reference, 'COMMITTED'),
    release: (caller, reference) => move(caller, reference, 'RELEASED'),
    byReference: (reference) => deps.reservations.byReference(reference.trim()),
  };
}
