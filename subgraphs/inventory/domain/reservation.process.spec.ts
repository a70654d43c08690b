import { describe, expect, it } from 'vitest';
import { InventoryErrorCodes } from './error-codes.ts';
import { moveReservation, reservationCommand, reservationProcess, ReservationStatuses, type ReservationCommand, type ReservationStatus } from './reservation.process.ts';

// Every pair of states, and what the table says of a move between them.
const table: { from: ReservationStatus; to: ReservationStatus; outcome: 'apply' | 'already-done' | 'illegal' }[] = [
  { from: 'ACTIVE', to: 'ACTIVE', outcome: 'already-done' },
  { from: 'ACTIVE', to: 'COMMITTED', outcome: 'apply' },
  { from: 'ACTIVE', to: 'RELEASED', outcome: 'apply' },
  { from: 'ACTIVE', to: 'RETURNED', outcome: 'illegal' },
  { from: 'COMMITTED', to: 'ACTIVE', outcome: 'illegal' },
  { from: 'COMMITTED', to: 'COMMITTED', outcome: 'already-done' },
  { from: 'COMMITTED', to: 'RELEASED', outcome: 'illegal' },
  { from: 'COMMITTED', to: 'RETURNED', outcome: 'apply' },
  { from: 'RELEASED', to: 'ACTIVE', outcome: 'illegal' },
  { from: 'RELEASED', to: 'COMMITTED', outcome: 'illegal' },
  { from: 'RELEASED', to: 'RELEASED', outcome: 'already-done' },
  { from: 'RELEASED', to: 'RETURNED', outcome: 'illegal' },
  { from: 'RETURNED', to: 'ACTIVE', outcome: 'illegal' },
  { from: 'RETURNED', to: 'COMMITTED', outcome: 'illegal' },
  { from: 'RETURNED', to: 'RELEASED', outcome: 'illegal' },
  { from: 'RETURNED', to: 'RETURNED', outcome: 'already-done' },
];

// Every command from every state: where it takes the reservation (null: nothing to do).
const commands: { command: ReservationCommand; from: ReservationStatus; outcome: ReservationStatus | null | 'illegal' }[] = [
  { command: 'commit', from: 'ACTIVE', outcome: 'COMMITTED' },
  { command: 'commit', from: 'COMMITTED', outcome: null },
  { command: 'commit', from: 'RELEASED', outcome: 'illegal' },
  { command: 'commit', from: 'RETURNED', outcome: 'illegal' },
  { command: 'release', from: 'ACTIVE', outcome: 'RELEASED' },
  { command: 'release', from: 'COMMITTED', outcome: 'RETURNED' },
  { command: 'release', from: 'RELEASED', outcome: null },
  { command: 'release', from: 'RETURNED', outcome: null },
  { command: 'expire', from: 'ACTIVE', outcome: 'RELEASED' },
  { command: 'expire', from: 'COMMITTED', outcome: null },
  { command: 'expire', from: 'RELEASED', outcome: null },
  { command: 'expire', from: 'RETURNED', outcome: null },
];

describe('the reservation process', () => {
  it('covers every pair of states, and every command from every state, in the tables above', () => {
    expect(table).toHaveLength(ReservationStatuses.length ** 2);
    expect(commands).toHaveLength(3 * ReservationStatuses.length);
  });

  it.each(table)('$from → $to: $outcome', ({ from, to, outcome }) => {
    const move = moveReservation(from, to);
    if (outcome === 'illegal') {
      expect(move.ok).toBe(false);
      if (!move.ok) expect(move.errors[0]?.code).toBe(InventoryErrorCodes.RESERVATION_ILLEGAL_TRANSITION);
    } else {
      expect(move).toEqual({ ok: true, value: outcome });
    }
  });

  it.each(commands)('$command from $from: $outcome', ({ command, from, outcome }) => {
    const decided = reservationCommand(command, from);
    if (outcome === 'illegal') {
      expect(decided.ok ? null : decided.errors[0]?.code).toBe(InventoryErrorCodes.RESERVATION_ILLEGAL_TRANSITION);
    } else {
      expect(decided).toEqual({ ok: true, value: outcome });
    }
  });

  it('starts ACTIVE and ends RELEASED or RETURNED (a committed order can still be cancelled)', () => {
    expect(reservationProcess.initial).toBe('ACTIVE');
    expect(reservationProcess.terminalStates().sort()).toEqual(['RELEASED', 'RETURNED']);
  });
});
