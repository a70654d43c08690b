/**
 * The codes the payments subgraph returns in `userErrors` and in the Results of its services.
 * Clients branch on these strings: never rename or reuse one, add new ones instead.
 */
export const PaymentsErrorCodes = {
  /** No payment exists for this order. */
  PAYMENT_NOT_FOUND: 'PAYMENT_NOT_FOUND',
  /** The payment was already captured (a second capture changes nothing). */
  PAYMENT_ALREADY_CAPTURED: 'PAYMENT_ALREADY_CAPTURED',
  /** The payment is not in a state this request applies to (e.g. capturing a declined or voided one, refunding one never captured). */
  PAYMENT_ILLEGAL_TRANSITION: 'PAYMENT_ILLEGAL_TRANSITION',
  /** The refund asked for is more than what is captured and not yet refunded. */
  PAYMENT_REFUND_EXCEEDS_CAPTURED: 'PAYMENT_REFUND_EXCEEDS_CAPTURED',
  /** The idempotency key was already used by this caller for a different payment request. */
  PAYMENT_IDEMPOTENCY_KEY_REUSED: 'PAYMENT_IDEMPOTENCY_KEY_REUSED',
  /** The card network refused the request (e.g. a refund of an authorization it no longer holds). */
  PAYMENT_PROVIDER_REFUSED: 'PAYMENT_PROVIDER_REFUSED',
  /** The card network did not answer in time; nothing is known to have changed. Retry with the same idempotency key. */
  PAYMENT_PROVIDER_UNAVAILABLE: 'PAYMENT_PROVIDER_UNAVAILABLE',
  /** The card number, expiry or security code cannot be a valid card. */
  PAYMENT_CARD_INVALID: 'PAYMENT_CARD_INVALID',
  /** The card's expiry date has passed. */
  PAYMENT_CARD_EXPIRED: 'PAYMENT_CARD_EXPIRED',
  /** Webhook (HTTP 401): no signature header. */
  PAYMENT_WEBHOOK_SIGNATURE_MISSING: 'PAYMENT_WEBHOOK_SIGNATURE_MISSING',
  /** Webhook (HTTP 401): the signature is malformed or not the provider's. */
  PAYMENT_WEBHOOK_SIGNATURE_INVALID: 'PAYMENT_WEBHOOK_SIGNATURE_INVALID',
  /** Webhook (HTTP 401): the signed time is more than the tolerance (5 minutes) away from now. */
  PAYMENT_WEBHOOK_TIMESTAMP_OUT_OF_RANGE: 'PAYMENT_WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
  /** Webhook (HTTP 409): this event id was received before; nothing was applied again. */
  PAYMENT_WEBHOOK_REPLAYED: 'PAYMENT_WEBHOOK_REPLAYED',
  /** Webhook (HTTP 400): the signed body is not an event. */
  PAYMENT_WEBHOOK_PAYLOAD_INVALID: 'PAYMENT_WEBHOOK_PAYLOAD_INVALID',
} as const;
