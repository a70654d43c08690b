import type { PayloadOf, orderCancelledV1, orderConfirmedV1, vendorOrderShippedV1 } from '../../../contracts/index.ts';

export type OrderConfirmed = PayloadOf<typeof orderConfirmedV1>;
export type OrderCancelled = PayloadOf<typeof orderCancelledV1>;
export type VendorOrderShipped = PayloadOf<typeof vendorOrderShippedV1>;

/** The customer of an order (a user id), or a store (a vendor id: the mail goes to its owner). */
export type RecipientKind = 'CUSTOMER' | 'VENDOR';

/**
 * Which template renders an email, with the input it renders from: the event's payload as its
 * contract validated it (a vendor's email picks its own vendor order out of the order by the
 * recipient's vendor id).
 */
export type EmailContent =
  | { template: 'ORDER_CONFIRMED'; data: OrderConfirmed }
  | { template: 'ORDER_CANCELLED'; data: OrderCancelled }
  | { template: 'VENDOR_ORDER_SHIPPED'; data: VendorOrderShipped }
  | { template: 'NEW_VENDOR_ORDER'; data: OrderConfirmed };

export type EmailTemplate = EmailContent['template'];

export const EMAIL_TEMPLATES: readonly EmailTemplate[] = ['ORDER_CONFIRMED', 'ORDER_CANCELLED', 'VENDOR_ORDER_SHIPPED', 'NEW_VENDOR_ORDER'];

/** One email an event owes: unique per (event, recipient kind, recipient). */
export type OwedEmail = EmailContent & { orderId: string; recipientKind: RecipientKind; recipientId: string };

/**
 * A confirmed order owes its customer a confirmation and each store a "new vendor order" (one
 * vendor order per store; should two ever name one store, it gets one email, of the first).
 */
export function emailsForOrderConfirmed(order: OrderConfirmed): OwedEmail[] {
  const vendorIds = [...new Set(order.vendorOrders.map((vendorOrder) => vendorOrder.vendorId))];
  return [
    { template: 'ORDER_CONFIRMED', data: order, orderId: order.orderId, recipientKind: 'CUSTOMER', recipientId: order.customerId },
    ...vendorIds.map((vendorId): OwedEmail => ({ template: 'NEW_VENDOR_ORDER', data: order, orderId: order.orderId, recipientKind: 'VENDOR', recipientId: vendorId })),
  ];
}

/** A cancelled order owes its customer one email, whatever the reason. */
export function emailsForOrderCancelled(order: OrderCancelled): OwedEmail[] {
  return [{ template: 'ORDER_CANCELLED', data: order, orderId: order.orderId, recipientKind: 'CUSTOMER', recipientId: order.customerId }];
}

/** A shipped vendor order owes the customer one email with its tracking number. */
export function emailsForVendorOrderShipped(shipment: VendorOrderShipped): OwedEmail[] {
  return [{ template: 'VENDOR_ORDER_SHIPPED', data: shipment, orderId: shipment.orderId, recipientKind: 'CUSTOMER', recipientId: shipment.customerId }];
}

/**
 * Delay before the next attempt of an email that could not go out: doubling from `baseMs` per
 * attempt already made, capped at `maxMs`, so a long SMTP outage costs one try per `maxMs`.
 */
export function retryDelayMs(attempts: number, settings: { baseMs: number; maxMs: number }): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(settings.baseMs * 2 ** exponent, settings.maxMs);
}
