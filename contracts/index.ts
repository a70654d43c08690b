import * as inventory from './inventory.ts';
import * as orders from './orders.ts';
import * as payments from './payments.ts';
import { vendorReinstatedV1, vendorSuspendedV1 } from './vendor.ts';

export { envelopeSchema, defineContract } from './envelope.ts';
export type { Envelope, MessageContract, PayloadOf } from './envelope.ts';
export { MAX_ORDER_LINES, moneySchema } from './shared.ts';
export { vendorReinstatedV1, vendorSuspendedV1 } from './vendor.ts';
export * from './inventory.ts';
export * from './payments.ts';
export * from './orders.ts';

/**
 * Every contract a service may send or receive. Producers and consumers both import from here,
 * so a contract has one definition; the routing key of a message is its `type`.
 *
 * The checkout saga (orders orchestrates; commands are imperative, events past tense):
 *   order.placed → inventory.reserve → inventory.stock_reserved | inventory.reservation_failed
 *   → payments.authorize → payment.authorized | payment.declined
 *   → inventory.commit → inventory.stock_committed | inventory.commit_failed
 *   → payments.capture → payment.captured | payment.capture_failed
 *   → order.confirmed. Compensations: inventory.release, payments.cancel → order.cancelled.
 */
export const CONTRACTS = [
  vendorSuspendedV1,
  vendorReinstatedV1,
  ...Object.values(inventory),
  ...Object.values(payments),
  ...Object.values(orders),
] as const;
