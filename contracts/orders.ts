import { z } from 'zod';
import { defineContract } from './envelope.ts';
import { MAX_ORDER_LINES, moneySchema, orderRef } from './shared.ts';

const orderLine = z.object({
  variantId: z.uuid(),
  sku: z.string().max(100),
  name: z.string().max(300),
  quantity: z.number().int().positive(),
  unitPrice: moneySchema,
  lineTotal: moneySchema,
});

const vendorOrder = z.object({
  vendorOrderId: z.uuid(),
  vendorId: z.uuid(),
  /** Human-readable, e.g. `SH-2026-000123-2`. */
  number: z.string().max(40),
  lines: z.array(orderLine).min(1).max(MAX_ORDER_LINES),
  subtotal: moneySchema,
  shipping: moneySchema,
  total: moneySchema,
});

/** What the customer-facing order events share: enough for an email without asking anyone. */
const orderSummary = orderRef.extend({
  orderNumber: z.string().max(40),
  customerId: z.uuid(),
  /** The cart it was placed from (cart empties it on confirmation). */
  cartId: z.uuid().nullable(),
  subtotal: moneySchema,
  shipping: moneySchema,
  tax: moneySchema,
  total: moneySchema,
  vendorOrders: z.array(vendorOrder).min(1).max(MAX_ORDER_LINES),
});

/** A customer placed an order (PENDING); the saga starts. */
export const orderPlacedV1 = defineContract('order.placed', 1, orderSummary);

/** Stock committed and payment captured: the order is the customer's. */
export const orderConfirmedV1 = defineContract('order.confirmed', 1, orderSummary);

/** The order ended without a sale; stock and money were given back. */
export const orderCancelledV1 = defineContract(
  'order.cancelled',
  1,
  orderSummary.extend({
    reason: z.enum(['PAYMENT_DECLINED', 'OUT_OF_STOCK', 'TIMED_OUT', 'CANCELLED_BY_CUSTOMER', 'CANCELLED_BY_ADMIN', 'PAYMENT_FAILED']),
  }),
);

/** One vendor's shipment: which part of which order (who to tell, what to call it) and how it travels. */
const shipment = orderRef.extend({
  orderNumber: z.string().max(40),
  customerId: z.uuid(),
  vendorOrderId: z.uuid(),
  vendorId: z.uuid(),
  number: z.string().max(40),
  carrier: z.string().max(100),
  trackingNumber: z.string().max(100),
});

/** A vendor shipped its part of an order. */
export const vendorOrderShippedV1 = defineContract('vendor_order.shipped', 1, shipment);

/**
 * A vendor's part of an order was delivered (its vendor marked it so). One per part: the order's
 * own move to DELIVERED, once every part is, is an order.status_changed.
 */
export const vendorOrderDeliveredV1 = defineContract('vendor_order.delivered', 1, shipment);

/** Any change of an order's status, for live views (subscriptions) and read models. */
export const orderStatusChangedV1 = defineContract(
  'order.status_changed',
  1,
  orderRef.extend({
    customerId: z.uuid(),
    vendorIds: z.array(z.uuid()).max(MAX_ORDER_LINES),
    from: z.string().max(40).nullable(),
    to: z.string().max(40),
  }),
);
