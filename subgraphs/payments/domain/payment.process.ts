import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { defineProcess } from '../../../platform/process/process-table.ts';
import { PaymentsErrorCodes } from './error-codes.ts';

export const PaymentStatuses = ['AUTHORIZING', 'AUTHORIZED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'DECLINED', 'VOIDED'] as const;
export type PaymentStatus = (typeof PaymentStatuses)[number];

/**
 * A payment's lifecycle. It is recorded AUTHORIZING before the card network is asked (so a crash
 * mid-call is resumed by the redelivered command, the network deduping by the order id). The
 * network answers AUTHORIZED (money held) or DECLINED. An authorization is CAPTURED (money taken,
 * the ledger credits the vendors) or VOIDED (the hold dropped: the order was cancelled, or the
 * network let it expire; also straight from AUTHORIZING when the order was cancelled while the
 * network was answering). Captured money goes back in one or more refunds: PARTIALLY_REFUNDED
 * until all of it is back, then REFUNDED. DECLINED, VOIDED and REFUNDED are final.
 */
export const paymentProcess = defineProcess<PaymentStatus>('payment', 'AUTHORIZING', {
  // VOIDED straight from AUTHORIZING: the order was cancelled while the network was answering,
  // so the authorization it granted was dropped before it was ever recorded as held.
  AUTHORIZING: ['AUTHORIZED', 'DECLINED', 'VOIDED'],
  AUTHORIZED: ['CAPTURED', 'VOIDED'],
  CAPTURED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['REFUNDED'],
  REFUNDED: [],
  DECLINED: [],
  VOIDED: [],
});

/** What a request to move a payment to `to` does from where it is. */
export type PaymentMove = 'apply' | 'already-done';

/**
 * `apply` when the table allows the move, `already-done` when the payment is already there (a
 * retried command changes nothing and answers the same), else PAYMENT_ILLEGAL_TRANSITION — or
 * PAYMENT_ALREADY_CAPTURED for a capture of money already taken (and maybe refunded since).
 */
export function movePayment(from: PaymentStatus, to: PaymentStatus): Result<PaymentMove> {
  if (from === to) return ok('already-done');
  if (paymentProcess.canMove(from, to)) return ok('apply');
  if (to === 'CAPTURED' && (from === 'PARTIALLY_REFUNDED' || from === 'REFUNDED')) {
    return fail(userError(PaymentsErrorCodes.PAYMENT_ALREADY_CAPTURED, 'This payment was already captured.'));
  }
  return fail(userError(PaymentsErrorCodes.PAYMENT_ILLEGAL_TRANSITION, `This payment is ${from.toLowerCase().replace('_', ' ')}; it cannot become ${to.toLowerCase().replace('_', ' ')}.`));
}

/** Captured money that may still be refunded: CAPTURED or PARTIALLY_REFUNDED. */
export const isRefundable = (status: PaymentStatus) => status === 'CAPTURED' || status === 'PARTIALLY_REFUNDED';

/** The status after refunding, given what is captured and what will have been refunded in all. */
export const statusAfterRefund = (captured: number, refundedInAll: number): PaymentStatus => (refundedInAll >= captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED');
