import { describe, expect, it } from 'vitest';
import { InventoryErrorCodes } from './error-codes.ts';
import { moveReservation, reservationProcess, ReservationStatuses, type ReservationStatus } from './reservation.process.ts';

// Every pair of states, and what commit/release does from each.
const table: { from: ReservationStatus; to: ReservationStatus; outcome: 'apply' | 'already-done' | 'illegal' }[] = [
  { from: 'ACTIVE', to: 'COMMITTED', outcome: 'apply' },
  { from: 'ACTIVE', to: 'RELEASED', outcome: 'apply' },
  { from: 'ACTIVE', to: 'ACTIVE', outcome: 'already-done' },
  { from: 'COMMITTED', to: 'COMMITTED', outcome: 'already-done' },
  { from: 'COMMITTED', to: 'RELEASED', outcome: 'illegal' },
  { from: 'COMMITTED', to: 'ACTIVE', outcome: 'illegal' },
  { from: 'RELEASED', to: 'RELEASED', outcome: 'already-done' },
  { from: 'RELEASED', to: 'COMMITTED', outcome: 'illegal' },
  { from: 'RELEASED', to: 'ACTIVE', outcome: 'illegal' },
];

describe('the reservation process', () => {
  it('covers every pair of states in the table above', () => {
    expect(table).toHaveLength(ReservationStatuses.length ** 2);
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

  it('starts ACTIVE and ends COMMITTED or RELEASED', () => {
    expect(reservationProcess.initial).toBe('ACTIVE');
    expect(reservationProcess.terminalStates().sort()).toEqual(['COMMITTED', 'RELEASED']);
  });
});
