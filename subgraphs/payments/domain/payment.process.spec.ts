import { describe, expect, it } from 'vitest';
import { PaymentsErrorCodes } from './error-codes.ts';
import { movePayment, paymentProcess, PaymentStatuses, statusAfterRefund, type PaymentStatus } from './payment.process.ts';

type Outcome = 'apply' | 'already-done' | 'illegal' | 'already-captured';

// The moves the table allows; every other pair of distinct states is refused.
const allowed: [PaymentStatus, PaymentStatus][] = [
  ['AUTHORIZING', 'AUTHORIZED'],
  ['AUTHORIZING', 'DECLINED'],
  ['AUTHORIZING', 'VOIDED'],
  ['AUTHORIZED', 'CAPTURED'],
  ['AUTHORIZED', 'VOIDED'],
  ['CAPTURED', 'PARTIALLY_REFUNDED'],
  ['CAPTURED', 'REFUNDED'],
  ['PARTIALLY_REFUNDED', 'REFUNDED'],
];

function expected(from: PaymentStatus, to: PaymentStatus): Outcome {
  if (from === to) return 'already-done';
  if (allowed.some(([a, b]) => a === from && b === to)) return 'apply';
  if (to === 'CAPTURED' && (from === 'PARTIALLY_REFUNDED' || from === 'REFUNDED')) return 'already-captured';
  return 'illegal';
}

const table = PaymentStatuses.flatMap((from) => PaymentStatuses.map((to) => ({ from, to, outcome: expected(from, to) })));

describe('the payment process', () => {
  it('covers every pair of states', () => {
    expect(table).toHaveLength(PaymentStatuses.length ** 2);
    expect(table.filter((row) => row.outcome === 'apply')).toHaveLength(allowed.length);
  });

  it.each(table)('$from → $to: $outcome', ({ from, to, outcome }) => {
    const move = movePayment(from, to);
    if (outcome === 'apply' || outcome === 'already-done') {
      expect(move).toEqual({ ok: true, value: outcome });
    } else {
      expect(move.ok).toBe(false);
      if (!move.ok) {
        expect(move.errors[0]?.code).toBe(outcome === 'already-captured' ? PaymentsErrorCodes.PAYMENT_ALREADY_CAPTURED : PaymentsErrorCodes.PAYMENT_ILLEGAL_TRANSITION);
      }
    }
  });

  it('starts AUTHORIZING and ends REFUNDED, DECLINED or VOIDED', () => {
    expect(paymentProcess.initial).toBe('AUTHORIZING');
    expect(paymentProcess.terminalStates().sort()).toEqual(['DECLINED', 'REFUNDED', 'VOIDED']);
  });

  it('is partially refunded until everything captured is back', () => {
    expect(statusAfterRefund(1000, 999)).toBe('PARTIALLY_REFUNDED');
    expect(statusAfterRefund(1000, 1000)).toBe('REFUNDED');
  });
});
