import { randomUUID } from 'node:crypto';
import type { OrderCancelled, OrderConfirmed, VendorOrderShipped } from '../domain/email.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

/**
 * A valid order.confirmed payload (contracts/orders.ts) for a customer and one vendor order per
 * store: two lines each, totals that add up. For specs and the e2e file.
 */
export function sampleConfirmedOrder(options: { customerId: string; vendorIds: string[]; orderNumber?: string }): OrderConfirmed {
  const orderNumber = options.orderNumber ?? `SH-2026-${randomUUID().slice(0, 6)}`;
  const vendorOrders = options.vendorIds.map((vendorId, index) => ({
    vendorOrderId: randomUUID(),
    vendorId,
    number: `${orderNumber}-${index + 1}`,
    lines: [
      { variantId: randomUUID(), sku: `LAMP-${index}`, name: 'Desk lamp', quantity: 2, unitPrice: eur(2500), lineTotal: eur(5000) },
      { variantId: randomUUID(), sku: `BULB-${index}`, name: 'Bulb <warm>', quantity: 1, unitPrice: eur(399), lineTotal: eur(399) },
    ],
    subtotal: eur(5399),
    shipping: eur(490),
    total: eur(5889),
  }));
  const subtotal = 5399 * vendorOrders.length;
  const shipping = 490 * vendorOrders.length;
  const tax = Math.round(subtotal * 0.2);
  return {
    orderId: randomUUID(),
    orderNumber,
    customerId: options.customerId,
    cartId: randomUUID(),
    subtotal: eur(subtotal),
    shipping: eur(shipping),
    tax: eur(tax),
    total: eur(subtotal + shipping + tax),
    vendorOrders,
  };
}

export function sampleCancelledOrder(order: OrderConfirmed, reason: OrderCancelled['reason'] = 'PAYMENT_DECLINED'): OrderCancelled {
  return { ...order, reason };
}

export function sampleShipment(order: OrderConfirmed): VendorOrderShipped {
  const vendorOrder = order.vendorOrders[0]!;
  return {
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    customerId: order.customerId,
    vendorOrderId: vendorOrder.vendorOrderId,
    vendorId: vendorOrder.vendorId,
    number: vendorOrder.number,
    carrier: 'DHL',
    trackingNumber: 'JD0146 0000 1234',
  };
}
