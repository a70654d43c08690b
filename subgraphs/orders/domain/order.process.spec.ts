import { describe, expect, it } from 'vitest';
import { OrderErrorCodes } from './error-codes.ts';
import { moveOrder, orderProcess, orderStatusFromParts, OrderStatuses, vendorOrderDelivery, vendorOrderProcess, VendorOrderStatuses, type OrderStatus, type VendorOrderStatus } from './order.process.ts';

// Every allowed move of an order; every other pair of states is forbidden.
const allowed: [OrderStatus, OrderStatus][] = [
  ['PENDING', 'STOCK_RESERVED'],
  ['PENDING', 'CANCELLED'],
  ['STOCK_RESERVED', 'PAYMENT_AUTHORIZED'],
  ['STOCK_RESERVED', 'CANCELLED'],
  ['PAYMENT_AUTHORIZED', 'CONFIRMED'],
  ['PAYMENT_AUTHORIZED', 'CANCELLED'],
  ['CONFIRMED', 'SHIPPED'],
  ['CONFIRMED', 'CANCELLED'],
  ['SHIPPED', 'DELIVERED'],
  ['CANCELLED', 'REFUNDED'],
];
const pairs = OrderStatuses.flatMap((from) => OrderStatuses.map((to) => [from, to] as [OrderStatus, OrderStatus]));

describe('the order process', () => {
  it.each(pairs)('%s → %s', (from, to) => {
    const expected = allowed.some(([a, b]) => a === from && b === to);
    const move = moveOrder(from, to);
    expect(move.ok).toBe(expected);
    if (!move.ok) expect(move.errors[0]?.code).toBe(OrderErrorCodes.ORDER_ILLEGAL_TRANSITION);
  });

  it('starts PENDING and ends DELIVERED or REFUNDED; a shipped order is never cancelled', () => {
    expect(orderProcess.initial).toBe('PENDING');
    expect(orderProcess.terminalStates().sort()).toEqual(['DELIVERED', 'REFUNDED']);
    expect(orderProcess.canMove('SHIPPED', 'CANCELLED')).toBe(false);
  });
});

const vendorAllowed: [VendorOrderStatus, VendorOrderStatus][] = [
  ['PENDING', 'CONFIRMED'],
  ['PENDING', 'CANCELLED'],
  ['CONFIRMED', 'SHIPPED'],
  ['CONFIRMED', 'CANCELLED'],
  ['SHIPPED', 'DELIVERED'],
];

describe('the vendor order process', () => {
  it.each(VendorOrderStatuses.flatMap((from) => VendorOrderStatuses.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    expect(vendorOrderProcess.canMove(from, to)).toBe(vendorAllowed.some(([a, b]) => a === from && b === to));
  });
});

describe('the order status from its vendor orders', () => {
  it.each([
    { current: 'CONFIRMED', parts: ['SHIPPED', 'CONFIRMED'], expected: 'CONFIRMED' },
    { current: 'CONFIRMED', parts: ['SHIPPED', 'SHIPPED'], expected: 'SHIPPED' },
    { current: 'CONFIRMED', parts: ['SHIPPED', 'DELIVERED'], expected: 'SHIPPED' },
    { current: 'SHIPPED', parts: ['SHIPPED', 'DELIVERED'], expected: 'SHIPPED' },
    { current: 'SHIPPED', parts: ['DELIVERED', 'DELIVERED'], expected: 'DELIVERED' },
    { current: 'PAYMENT_AUTHORIZED', parts: ['PENDING', 'PENDING'], expected: 'PAYMENT_AUTHORIZED' },
    // A cancelled part never holds its order back; an order with no live part stays as it is.
    { current: 'CONFIRMED', parts: ['SHIPPED', 'CANCELLED'], expected: 'SHIPPED' },
    { current: 'SHIPPED', parts: ['DELIVERED', 'CANCELLED'], expected: 'DELIVERED' },
    { current: 'CANCELLED', parts: ['CANCELLED', 'CANCELLED'], expected: 'CANCELLED' },
    // Delivered parts of an order not yet SHIPPED do not skip it past SHIPPED.
    { current: 'CONFIRMED', parts: ['DELIVERED', 'DELIVERED'], expected: 'SHIPPED' },
  ] as const)('$current with parts $parts → $expected', ({ current, parts, expected }) => {
    expect(orderStatusFromParts(current, parts)).toBe(expected);
  });
});

describe('marking a vendor order delivered', () => {
  it.each(VendorOrderStatuses.map((status) => [status] as const))('in %s', (status) => {
    const delivery = vendorOrderDelivery(status);
    if (status === 'SHIPPED') expect(delivery).toEqual({ ok: true, value: 'DELIVER' });
    else if (status === 'DELIVERED') expect(delivery).toEqual({ ok: true, value: 'ALREADY_DELIVERED' });
    else expect(delivery).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.VENDOR_ORDER_NOT_SHIPPED, field: ['input', 'vendorOrderId'] }] });
  });
});
