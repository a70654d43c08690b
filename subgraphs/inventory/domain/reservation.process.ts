import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { defineProcess } from '../../../platform/process/process-table.ts';
import { InventoryErrorCodes } from './error-codes.ts';

export const ReservationStatuses = ['ACTIVE', 'COMMITTED', 'RELEASED', 'RETURNED'] as const;
export type ReservationStatus = (typeof ReservationStatuses)[number];

/**
 * A reservation's lifecycle. It starts ACTIVE (units held, counted in `reserved`). Confirming the
 * order COMMITS it (the units leave on-hand stock); cancelling the checkout, or its expiry,
 * RELEASES it (the units go back to sale). A committed order that is cancelled before it ships
 * RETURNS its units to on hand. RELEASED and RETURNED are final: a released hold is never revived
 * (its units may already be sold to someone else).
 */
export const reservationProcess = defineProcess<ReservationStatus>('reservation', 'ACTIVE', {
  ACTIVE: ['COMMITTED', 'RELEASED'],
  COMMITTED: ['RETURNED'],
  RELEASED: [],
  RETURNED: [],
});

/** What a request to move a reservation to `to` does, given where it is. */
export type ReservationMove = 'apply' | 'already-done';

const illegal = (from: ReservationStatus, to: string) =>
  fail(userError(InventoryErrorCodes.RESERVATION_ILLEGAL_TRANSITION, `This reservation is ${from.toLowerCase()}; it cannot become ${to}.`));

/**
 * The table's decision for a move to `to`: `apply` when the table allows it, `already-done` when
 * the reservation is already there (a retried command is a success that changes nothing, so the
 * saga may safely resend), else RESERVATION_ILLEGAL_TRANSITION.
 */
export function moveReservation(from: ReservationStatus, to: ReservationStatus): Result<ReservationMove> {
  if (from === to) return ok('already-done');
  if (reservationProcess.canMove(from, to)) return ok('apply');
  return illegal(from, to.toLowerCase());
}

/**
 * What the saga (or the sweeper) asks of a reservation:
 * - `commit`: the order is paid for; ACTIVE → COMMITTED.
 * - `release`: the order is cancelled; whatever it holds goes back: ACTIVE → RELEASED (back to
 *   sale), COMMITTED → RETURNED (back on hand). Already RELEASED or RETURNED: nothing to do.
 * - `expire`: the sweeper's release of an ACTIVE hold past its expiry; anything else is left alone
 *   (a commit got there first).
 */
export type ReservationCommand = 'commit' | 'release' | 'expire';

/** Where a command takes a reservation from `from`: the target state, or null when it is already done. */
export function reservationCommand(command: ReservationCommand, from: ReservationStatus): Result<ReservationStatus | null> {
  const target: ReservationStatus = command === 'commit' ? 'COMMITTED' : from === 'COMMITTED' && command === 'release' ? 'RETURNED' : 'RELEASED';
  if (command === 'release' && (from === 'RELEASED' || from === 'RETURNED')) return ok(null);
  if (command === 'expire' && from !== 'ACTIVE') return ok(null);
  const move = moveReservation(from, target);
  if (!move.ok) return move;
  return ok(move.value === 'apply' ? target : null);
}
