import { z } from 'zod';
import { defineContract } from './envelope.ts';
import { MAX_ORDER_LINES, moneySchema, orderRef } from './shared.ts';

/** One vendor's part of an order's money, what the ledger credits it on capture (before commission). */
const vendorShare = z.object({ vendorOrderId: z.uuid(), vendorId: z.uuid(), amount: moneySchema });

/**
 * Command (orders → payments): authorize the order's total on the customer's payment method.
 * Idempotent by order id: the provider is called with it as the idempotency key.
 */
export const authorizePaymentV1 = defineContract(
  'payments.authorize',
  1,
  orderRef.extend({
    orderNumber: z.string().min(1).max(40),
    customerId: z.uuid(),
    amount: moneySchema,
    /** The provider's token for the payment method (never a card number). */
    paymentMethodToken: z.string().min(1).max(200),
    vendorShares: z.array(vendorShare).min(1).max(MAX_ORDER_LINES),
  }),
);

export const paymentAuthorizedV1 = defineContract('payment.authorized', 1, orderRef.extend({ paymentId: z.uuid(), amount: moneySchema }));

/** The provider refused (or the method was unusable): nothing is held on the card. */
export const paymentDeclinedV1 = defineContract(
  'payment.declined',
  1,
  orderRef.extend({
    paymentId: z.uuid().nullable(),
    reason: z.enum(['CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'INVALID_PAYMENT_METHOD', 'PROVIDER_UNAVAILABLE', 'PAYMENT_TIMED_OUT']),
  }),
);

/** Command (orders → payments): take the authorized amount; the ledger records the vendors' shares. */
export const capturePaymentV1 = defineContract('payments.capture', 1, orderRef);

export const paymentCapturedV1 = defineContract('payment.captured', 1, orderRef.extend({ paymentId: z.uuid(), amount: moneySchema }));

export const paymentCaptureFailedV1 = defineContract(
  'payment.capture_failed',
  1,
  orderRef.extend({ paymentId: z.uuid().nullable(), reason: z.enum(['AUTHORIZATION_EXPIRED', 'PAYMENT_NOT_AUTHORIZED', 'PROVIDER_REFUSED']) }),
);

/**
 * Command (orders → payments): the order will not be paid; undo whatever it holds. An
 * authorization is voided; a capture is refunded in full; nothing authorized is a no-op.
 * Idempotent by order id.
 */
export const cancelPaymentV1 = defineContract('payments.cancel', 1, orderRef.extend({ reason: z.string().max(200) }));

/** The order holds no money any more: `outcome` says how. */
export const paymentCancelledV1 = defineContract(
  'payment.cancelled',
  1,
  orderRef.extend({ paymentId: z.uuid().nullable(), outcome: z.enum(['VOIDED', 'REFUNDED', 'NOTHING_TO_CANCEL']), refunded: moneySchema.nullable() }),
);

/** Command (orders → payments): refund part or all of a captured payment; idempotent by `refundId`. */
export const refundPaymentV1 = defineContract('payments.refund', 1, orderRef.extend({ refundId: z.uuid(), amount: moneySchema, reason: z.string().max(200) }));

export const paymentRefundedV1 = defineContract('payment.refunded', 1, orderRef.extend({ paymentId: z.uuid(), refundId: z.uuid(), amount: moneySchema }));

export const paymentRefundFailedV1 = defineContract(
  'payment.refund_failed',
  1,
  orderRef.extend({ refundId: z.uuid(), reason: z.enum(['REFUND_EXCEEDS_CAPTURED', 'PAYMENT_NOT_CAPTURED', 'PROVIDER_REFUSED']) }),
);
