import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { defineProcess } from '../../../platform/process/process-table.ts';
import { OrderErrorCodes } from './error-codes.ts';

export const OrderStatuses = ['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED'] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

/**
 * An order's lifecycle. The checkout saga walks PENDING → STOCK_RESERVED → PAYMENT_AUTHORIZED →
 * CONFIRMED (stock committed, payment captured); shipping every vendor order makes it SHIPPED, and
 * delivering every one DELIVERED. Any step before confirmation may fail into CANCELLED (out of
 * stock, declined, timed out, customer); a CONFIRMED order is CANCELLED only by its customer before
 * any part shipped. A cancelled order whose capture payments then refunded becomes REFUNDED.
 */
export const orderProcess = defineProcess<OrderStatus>('order', 'PENDING', {
  PENDING: ['STOCK_RESERVED', 'CANCELLED'],
  STOCK_RESERVED: ['PAYMENT_AUTHORIZED', 'CANCELLED'],
  PAYMENT_AUTHORIZED: ['CONFIRMED', 'CANCELLED'],
  CONFIRMED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: ['REFUNDED'],
  REFUNDED: [],
});

/** States in which the saga still waits for a reply (and the sweeper watches a deadline). */
export const SAGA_STATES: readonly OrderStatus[] = ['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED'];

/** States from which its customer or an admin may still cancel an order (CONFIRMED only while no vendor order shipped). */
export const CANCELLABLE: readonly OrderStatus[] = ['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED'];

/** Why an order was cancelled: the order.cancelled contract's reasons. */
export const CancelReasons = ['PAYMENT_DECLINED', 'OUT_OF_STOCK', 'TIMED_OUT', 'CANCELLED_BY_CUSTOMER', 'CANCELLED_BY_ADMIN', 'PAYMENT_FAILED'] as const;
export type CancelReason = (typeof CancelReasons)[number];

/** `from → to` if the table allows it, else ORDER_ILLEGAL_TRANSITION. */
export function moveOrder(from: OrderStatus, to: OrderStatus): Result<OrderStatus> {
  if (orderProcess.canMove(from, to)) return ok(to);
  return fail(userError(OrderErrorCodes.ORDER_ILLEGAL_TRANSITION, `This order is ${from.toLowerCase().replace('_', ' ')}; it cannot become ${to.toLowerCase().replace('_', ' ')}.`));
}

export const VendorOrderStatuses = ['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type VendorOrderStatus = (typeof VendorOrderStatuses)[number];

/**
 * One vendor's part: PENDING while the checkout runs, CONFIRMED with its order, then SHIPPED by
 * the vendor (carrier, tracking number) and DELIVERED. It is CANCELLED with its order, which a
 * customer can do only before any part shipped.
 */
export const vendorOrderProcess = defineProcess<VendorOrderStatus>('vendor order', 'PENDING', {
  PENDING: ['CONFIRMED', 'CANCELLED'],
  CONFIRMED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
});

/** What marking a vendor order delivered does: move it, or nothing (it was already: a retry). */
export type VendorOrderDelivery = 'DELIVER' | 'ALREADY_DELIVERED';

/**
 * Whether a vendor order in `status` can be marked delivered. The table decides (SHIPPED is its only
 * way in); a delivered one is a retry that succeeds and changes nothing, as a repeated shipment
 * does; anything else has not shipped (VENDOR_ORDER_NOT_SHIPPED).
 */
export function vendorOrderDelivery(status: VendorOrderStatus): Result<VendorOrderDelivery> {
  if (status === 'DELIVERED') return ok('ALREADY_DELIVERED');
  if (vendorOrderProcess.canMove(status, 'DELIVERED')) return ok('DELIVER');
  return fail(userError(OrderErrorCodes.VENDOR_ORDER_NOT_SHIPPED, `This vendor order is ${status.toLowerCase()}; only a shipped one can be marked delivered.`, ['input', 'vendorOrderId']));
}

/**
 * The order's status once its vendor orders moved: a CONFIRMED order becomes SHIPPED when every
 * part shipped, a SHIPPED one DELIVERED when every part was delivered; otherwise it stays.
 * Cancelled parts do not count: a part that will never ship must not hold its order back (today
 * parts are only cancelled with their whole order, so this only guards a later per-part cancel).
 */
export function orderStatusFromParts(current: OrderStatus, parts: readonly VendorOrderStatus[]): OrderStatus {
  const live = parts.filter((part) => part !== 'CANCELLED');
  if (live.length === 0) return current;
  if (current === 'CONFIRMED' && live.every((part) => part === 'SHIPPED' || part === 'DELIVERED')) return 'SHIPPED';
  if (current === 'SHIPPED' && live.every((part) => part === 'DELIVERED')) return 'DELIVERED';
  return current;
}
