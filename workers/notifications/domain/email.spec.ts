import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sampleCancelledOrder, sampleConfirmedOrder, sampleShipment } from '../testing/sample-orders.ts';
import { emailsForOrderCancelled, emailsForOrderConfirmed, emailsForVendorOrderShipped, retryDelayMs } from './email.ts';

describe('which emails an event owes', () => {
  const customerId = randomUUID();
  const [a, b] = [randomUUID(), randomUUID()];

  it('order.confirmed: the customer, and each store once', () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds: [a, b, a] });
    const owed = emailsForOrderConfirmed(order);
    expect(owed.map((email) => [email.template, email.recipientKind, email.recipientId])).toEqual([
      ['ORDER_CONFIRMED', 'CUSTOMER', customerId],
      ['NEW_VENDOR_ORDER', 'VENDOR', a],
      ['NEW_VENDOR_ORDER', 'VENDOR', b],
    ]);
    expect(owed.every((email) => email.orderId === order.orderId)).toBe(true);
  });

  it('order.cancelled and vendor_order.shipped: the customer only', () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds: [a] });
    expect(emailsForOrderCancelled(sampleCancelledOrder(order)).map((email) => [email.template, email.recipientKind, email.recipientId])).toEqual([['ORDER_CANCELLED', 'CUSTOMER', customerId]]);
    expect(emailsForVendorOrderShipped(sampleShipment(order)).map((email) => [email.template, email.recipientKind, email.recipientId])).toEqual([['VENDOR_ORDER_SHIPPED', 'CUSTOMER', customerId]]);
  });
});

describe('retry delay', () => {
  it('doubles per attempt from the base, up to the cap', () => {
    const settings = { baseMs: 1_000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 50].map((attempts) => retryDelayMs(attempts, settings))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(retryDelayMs(0, settings)).toBe(1_000);
  });
});
