import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { defineProcess } from '../../../platform/process/process-table.ts';
import { InventoryErrorCodes } from './error-codes.ts';

export const ReservationStatuses = ['ACTIVE', 'COMMITTED', 'RELEASED'] as const;
export type ReservationStatus = (typeof ReservationStatuses)[number];

/**
 * A reservation's lifecycle. It starts ACTIVE (units held, counted in `reserved`). Confirming the
 * order COMMITS it (the units leave on-hand stock for good); cancelling the checkout, or its
 * expiry, RELEASES it (the units go back to sale). Both ends are final: a released hold is never
 * revived (its units may already be sold to someone else), a committed one never released.
 */
export const reservationProcess = defineProcess<ReservationStatus>('reservation', 'ACTIVE', {
  ACTIVE: ['COMMITTED', 'RELEASED'],
  COMMITTED: [],
  RELEASED: [],
});

/** What a request to move a reservation to `to` does, given where it is. */
export type ReservationMove = 'apply' | 'already-done';

/**
 * The decision for commit/release: `apply` when the table allows it, `already-done` when the
 * reservation is already there (a retried command is a success that changes nothing, so the saga
 * may safely resend), else RESERVATION_ILLEGAL_TRANSITION.
 */
export function moveReservation(from: ReservationStatus, to: ReservationStatus): Result<ReservationMove> {
  if (from === to) return ok('already-done');
  if (reservationProcess.canMove(from, to)) return ok('apply');
  return fail(
    userError(
      InventoryErrorCodes.RESERVATION_ILLEGAL_TRANSITION,
      `This reservation is ${from.toLowerCase()}; it cannot become ${to.toLowerCase()}.`,
    ),
  );
}
