import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { OutboxEntry } from '../../../platform/messaging/outbox.ts';
import { InventoryErrorCodes } from '../domain/error-codes.ts';
import { answerForExisting, insufficientStock, validateReservation, type Reservation, type ReservationLine, type Shortage } from '../domain/reservation.ts';
import type { ReservationCommand } from '../domain/reservation.process.ts';
import type { InventoryTransaction } from '../infra/prisma.ts';
import type { ReservationRepository, ReserveOutcome } from '../infra/reservation.repository.ts';
import type { Clock } from './clock.ts';
import type { ReservationBatcher } from './reservation-batcher.ts';

/** Who holds, commits or releases: recorded as the movements' actor (the saga's step, the sweeper). */
export interface ReservationCaller {
  actor: string;
  logger: Logger;
  /** The request id that caused it (a saga message's correlation id): carried by the messages it raises. */
  correlationId?: string;
}

/** How a reserve ended, as the saga answers it. */
export type ReserveAnswer =
  | { kind: 'reserved'; reservation: Reservation }
  /** The reference's stock was given back already (or a release came first): nothing is held. */
  | { kind: 'released'; reservation: Reservation }
  | { kind: 'conflict' }
  | { kind: 'insufficient'; shortages: Shortage[] };

export interface ReserveOptions {
  /** The messages that answer the outcome, written in the transaction that holds the stock. */
  replies?: (answer: ReserveAnswer) => OutboxEntry[];
}

/** Where a saga handler runs the command: its inbox transaction, so change, reply and inbox row commit together. */
export interface InTransaction {
  tx?: InventoryTransaction;
}

/**
 * Stock holds for checkout, as application services (not exposed to GraphQL clients): the checkout
 * saga calls them through its message handlers (application/saga.handlers.ts). Every method is
 * idempotent by the reservation's reference (the order id), so a redelivered command returns the
 * first outcome and changes nothing.
 */
export interface ReservationService {
  /**
   * Holds every line's units for `ttlSeconds`, all or nothing, never overselling under any
   * concurrency; requests arriving together share one transaction (the batcher). The same
   * reference with the same lines returns the first reservation (whatever its status now); a
   * reference whose stock was released (or that a release reached first) returns it RELEASED and
   * holds nothing; other lines are RESERVATION_REFERENCE_CONFLICT. STOCK_INSUFFICIENT (one error per
   * short line) when any line cannot be held in full; VALIDATION_FAILED for a malformed request.
   */
  reserve(caller: ReservationCaller, reference: string, lines: readonly ReservationLine[], ttlSeconds: number, options?: ReserveOptions): Promise<Result<Reservation>>;
  /** The order is paid for: held units leave on-hand stock. Idempotent; a released reservation cannot be committed. */
  commit(caller: ReservationCaller, reference: string, options?: InTransaction): Promise<Result<Reservation>>;
  /**
   * The order is cancelled: an ACTIVE hold goes back to sale (RELEASED), a COMMITTED one back on
   * hand (RETURNED). Idempotent. A reference with no reservation gets a RELEASED tombstone, so a
   * reserve that arrives later holds nothing: always a success.
   */
  release(caller: ReservationCaller, reference: string, options?: InTransaction): Promise<Result<Reservation>>;
  byReference(reference: string): Promise<Reservation | null>;
}

const notFound = () => fail(userError(InventoryErrorCodes.RESERVATION_NOT_FOUND, 'No reservation has this reference.', ['reference']));
const conflict = () => fail(userError(InventoryErrorCodes.RESERVATION_REFERENCE_CONFLICT, 'This reference already holds other lines.', ['reference']));

export function createReservationService(deps: {
  reservations: ReservationRepository;
  batcher: Pick<ReservationBatcher, 'reserve'>;
  clock: Clock;
}): ReservationService {
  async function move(caller: ReservationCaller, reference: string, command: ReservationCommand, options: InTransaction): Promise<Result<Reservation>> {
    const moved = await deps.reservations.apply(reference.trim(), command, caller.actor, { tx: options.tx, correlationId: caller.correlationId });
    if (moved.ok) {
      const { reservation, from, changed } = moved.value;
      if (changed) caller.logger.child({ component: 'ReservationService' }).info({ reference, from, status: reservation.status }, 'reservation moved');
      return ok(reservation);
    }
    const [failure] = moved.errors;
    if (failure?.kind === 'ILLEGAL') return fail(...failure.errors);
    return notFound();
  }

  return {
    async reserve(caller, reference, lines, ttlSeconds, options = {}) {
      const valid = validateReservation(reference, lines, ttlSeconds);
      if (!valid.ok) return valid;
      const request = valid.value;
      const answerOf = (outcome: ReserveOutcome): ReserveAnswer => {
        if (outcome.kind === 'RESERVED') return { kind: 'reserved', reservation: outcome.reservation };
        if (outcome.kind === 'INSUFFICIENT') return { kind: 'insufficient', shortages: outcome.shortages };
        const answer = answerForExisting(outcome.reservation, request.lines);
        return answer === 'conflict' ? { kind: 'conflict' } : { kind: answer, reservation: outcome.reservation };
      };
      const replies = options.replies;
      const outcome = await deps.batcher.reserve({
        request,
        expiresAt: new Date(deps.clock().getTime() + request.ttlSeconds * 1000),
        actor: caller.actor,
        correlationId: caller.correlationId ?? caller.actor,
        replies: replies ? (result) => replies(answerOf(result)) : undefined,
      });
      const answer = answerOf(outcome);
      const log = caller.logger.child({ component: 'ReservationService' });
      switch (answer.kind) {
        case 'reserved':
        case 'released':
          if (outcome.kind === 'RESERVED') log.info({ reference: request.reference, lines: request.lines.length }, 'stock reserved');
          return ok(answer.reservation);
        case 'conflict':
          return conflict();
        case 'insufficient':
          log.info({ reference: request.reference, shortages: answer.shortages.length }, 'reservation refused: insufficient stock');
          return fail(...answer.shortages.map((shortage) => insufficientStock(shortage.variantId, shortage.requested)));
      }
    },
    commit: (caller, reference, options = {}) => move(caller, reference, 'commit', options),
    release: (caller, reference, options = {}) => move(caller, reference, 'release', options),
    byReference: (reference) => deps.reservations.byReference(reference.trim()),
  };
}
