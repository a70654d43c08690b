import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderErrorCodes } from '../domain/error-codes.ts';
import { createOrdersHarness, type OrdersHarness, type OutboxRow } from '../testing/harness.ts';

let h: OrdersHarness;
beforeAll(async () => {
  h = await createOrdersHarness({ scope: 'checkout-saga' });
});
afterAll(async () => {
  await h?.close();
});

const address = { name: 'Ada Lovelace', line1: 'Keizersgracht 1', postalCode: '1015 CJ', city: 'Amsterdam', country: 'NL' };

/** A PENDING order of two vendors; returns its id and a way to read what it sent after placement. */
async function placed() {
  const customer = h.customer();
  const a = h.variant(randomUUID(), 1000);
  const b = h.variant(randomUUID(), 2000);
  const cart = h.cart(customer.userId, [
    { variantId: a.id, quantity: 1 },
    { variantId: b.id, quantity: 3 },
  ]);
  const result = await h.app.services.orders.place(h.scope(customer), { cartId: cart.id, shippingAddress: address, paymentMethodToken: 'tok_visa', idempotencyKey: randomUUID() });
  if (!result.ok) throw new Error(`placement failed: ${JSON.stringify(result.errors)}`);
  const orderId = result.value.order.id;
  const seen = (await h.outbox(orderId)).length;
  return {
    customer,
    orderId,
    view: result.value,
    /** Outbox rows written since the last call. */
    sent: (() => {
      let offset = seen;
      return async (): Promise<OutboxRow[]> => {
        const rows = await h.outbox(orderId);
        const fresh = rows.slice(offset);
        offset = rows.length;
        return fresh;
      };
    })(),
  };
}

const types = (rows: OutboxRow[]) => rows.map((row) => row.type).sort();
const history = async (orderId: string) => (await h.orders.history(orderId)).map((change) => `${change.from ?? '∅'}→${change.to}`);
const vendorStatuses = async (orderId: string) =>
  (await h.db.$queryRaw<{ status: string }[]>`SELECT status::text FROM vendor_orders WHERE order_id = ${orderId}::uuid ORDER BY position`).map((row) => row.status);

/** Walks an order to PAYMENT_AUTHORIZED with capture asked for. */
async function toCaptureRequested(order: Awaited<ReturnType<typeof placed>>) {
  await h.deliver('inventory.stock_reserved', { orderId: order.orderId, reservationId: randomUUID(), expiresAt: new Date(Date.now() + 900_000).toISOString() });
  await h.deliver('payment.authorized', { orderId: order.orderId, paymentId: randomUUID(), amount: { amount: order.view.total, currency: 'EUR' } });
  await h.deliver('inventory.stock_committed', { orderId: order.orderId });
  await order.sent();
}

describe('the checkout saga, forward', () => {
  it('reserve → authorize → commit → capture → CONFIRMED, each step with its history row and its outbox rows', async () => {
    const order = await placed();
    const paymentId = randomUUID();

    await h.deliver('inventory.stock_reserved', { orderId: order.orderId, reservationId: randomUUID(), expiresAt: new Date(Date.now() + 900_000).toISOString() }, { correlationId: 'req-1' });
    expect(await h.statusOf(order.orderId)).toBe('STOCK_RESERVED');
    const authorize = await order.sent();
    expect(types(authorize)).toEqual(['order.status_changed', 'payments.authorize']);
    const command = authorize.find((row) => row.type === 'payments.authorize')!;
    expect(command.correlationId).toBe('req-1');
    const shares = command.payload.vendorShares as { amount: { amount: number } }[];
    // Every vendor's share is whole minor units and they add up to the amount authorized.
    expect(shares.reduce((sum, share) => sum + share.amount.amount, 0)).toBe((command.payload.amount as { amount: number }).amount);
    expect(command.payload).toMatchObject({ orderId: order.orderId, paymentMethodToken: 'tok_visa', amount: { amount: order.view.total, currency: 'EUR' } });

    await h.deliver('payment.authorized', { orderId: order.orderId, paymentId, amount: { amount: order.view.total, currency: 'EUR' } });
    expect(await h.statusOf(order.orderId)).toBe('PAYMENT_AUTHORIZED');
    expect(types(await order.sent())).toEqual(['inventory.commit', 'order.status_changed']);

    await h.deliver('inventory.stock_committed', { orderId: order.orderId });
    expect(await h.statusOf(order.orderId)).toBe('PAYMENT_AUTHORIZED');
    expect(types(await order.sent())).toEqual(['payments.capture']);

    await h.deliver('payment.captured', { orderId: order.orderId, paymentId, amount: { amount: order.view.total, currency: 'EUR' } });
    expect(await h.statusOf(order.orderId)).toBe('CONFIRMED');
    const confirmed = await order.sent();
    expect(types(confirmed)).toEqual(['order.confirmed', 'order.status_changed']);
    expect(confirmed.find((row) => row.type === 'order.confirmed')!.payload).toMatchObject({ orderId: order.orderId, orderNumber: order.view.order.number, total: { amount: order.view.total } });
    expect(await vendorStatuses(order.orderId)).toEqual(['CONFIRMED', 'CONFIRMED']);
    expect(await history(order.orderId)).toEqual(['∅→PENDING', 'PENDING→STOCK_RESERVED', 'STOCK_RESERVED→PAYMENT_AUTHORIZED', 'PAYMENT_AUTHORIZED→CONFIRMED']);
    const [row] = await h.db.$queryRaw<{ paymentId: string; stepDeadline: Date | null; confirmedAt: Date | null }[]>`
      SELECT payment_id::text AS "paymentId", step_deadline AS "stepDeadline", confirmed_at AS "confirmedAt" FROM orders WHERE id = ${order.orderId}::uuid`;
    expect(row).toMatchObject({ paymentId, stepDeadline: null });
    expect(row?.confirmedAt).toBeInstanceOf(Date);
  });

  it('a redelivered reply (same message id) is skipped by the inbox; a duplicate with a new id changes nothing', async () => {
    const order = await placed();
    const id = randomUUID();
    const reply = { orderId: order.orderId, reservationId: randomUUID(), expiresAt: new Date(Date.now() + 900_000).toISOString() };
    expect(await h.deliver('inventory.stock_reserved', reply, { id })).toBe(true);
    await order.sent();
    expect(await h.deliver('inventory.stock_reserved', reply, { id })).toBe(false);
    expect(await h.deliver('inventory.stock_reserved', reply)).toBe(true);
    expect(await order.sent()).toEqual([]);
    expect(await history(order.orderId)).toEqual(['∅→PENDING', 'PENDING→STOCK_RESERVED']);
  });

  it('a reply for an unknown order is acknowledged and changes nothing', async () => {
    await expect(h.deliver('payment.captured', { orderId: randomUUID(), paymentId: randomUUID(), amount: { amount: 1, currency: 'EUR' } })).resolves.toBe(true);
  });
});

describe('the checkout saga, compensations', () => {
  it('reservation_failed → CANCELLED (OUT_OF_STOCK) with order.cancelled, nothing to give back', async () => {
    const order = await placed();
    await h.deliver('inventory.reservation_failed', { orderId: order.orderId, reason: 'STOCK_INSUFFICIENT', shortages: [] });
    expect(await h.statusOf(order.orderId)).toBe('CANCELLED');
    const sent = await order.sent();
    expect(types(sent)).toEqual(['order.cancelled', 'order.status_changed']);
    expect(sent.find((row) => row.type === 'order.cancelled')!.payload).toMatchObject({ reason: 'OUT_OF_STOCK' });
    expect(await vendorStatuses(order.orderId)).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('payment.declined → inventory.release and CANCELLED (PAYMENT_DECLINED)', async () => {
    const order = await placed();
    await h.deliver('inventory.stock_reserved', { orderId: order.orderId, reservationId: randomUUID(), expiresAt: new Date().toISOString() });
    await order.sent();
    await h.deliver('payment.declined', { orderId: order.orderId, paymentId: null, reason: 'CARD_DECLINED' });
    expect(await h.statusOf(order.orderId)).toBe('CANCELLED');
    const sent = await order.sent();
    expect(types(sent)).toEqual(['inventory.release', 'order.cancelled', 'order.status_changed']);
    expect(sent.find((row) => row.type === 'order.cancelled')!.payload).toMatchObject({ reason: 'PAYMENT_DECLINED' });
  });

  it('commit_failed → payments.cancel + inventory.release and CANCELLED (OUT_OF_STOCK)', async () => {
    const order = await placed();
    await h.deliver('inventory.stock_reserved', { orderId: order.orderId, reservationId: randomUUID(), expiresAt: new Date().toISOString() });
    await h.deliver('payment.authorized', { orderId: order.orderId, paymentId: randomUUID(), amount: { amount: order.view.total, currency: 'EUR' } });
    await order.sent();
    await h.deliver('inventory.commit_failed', { orderId: order.orderId, reason: 'RESERVATION_NOT_FOUND' });
    expect(await h.statusOf(order.orderId)).toBe('CANCELLED');
    const sent = await order.sent();
    expect(types(sent)).toEqual(['inventory.release', 'order.cancelled', 'order.status_changed', 'payments.cancel']);
    expect(sent.find((row) => row.type === 'order.cancelled')!.payload).toMatchObject({ reason: 'OUT_OF_STOCK' });
  });

  it('capture_failed → inventory.release + payments.cancel and CANCELLED (PAYMENT_FAILED)', async () => {
    const order = await placed();
    await toCaptureRequested(order);
    await h.deliver('payment.capture_failed', { orderId: order.orderId, paymentId: null, reason: 'AUTHORIZATION_EXPIRED' });
    expect(await h.statusOf(order.orderId)).toBe('CANCELLED');
    const sent = await order.sent();
    expect(types(sent)).toEqual(['inventory.release', 'order.cancelled', 'order.status_changed', 'payments.cancel']);
    expect(sent.find((row) => row.type === 'order.cancelled')!.payload).toMatchObject({ reason: 'PAYMENT_FAILED' });
  });

  it('a cancelled order whose payment was refunded becomes REFUNDED', async () => {
    const order = await placed();
    await h.deliver('inventory.reservation_failed', { orderId: order.orderId, reason: 'STOCK_INSUFFICIENT', shortages: [] });
    await h.deliver('payment.cancelled', { orderId: order.orderId, paymentId: null, outcome: 'NOTHING_TO_CANCEL', refunded: null });
    expect(await h.statusOf(order.orderId)).toBe('CANCELLED');
    await h.deliver('payment.cancelled', { orderId: order.orderId, paymentId: randomUUID(), outcome: 'REFUNDED', refunded: { amount: order.view.total, currency: 'EUR' } });
    expect(await h.statusOf(order.orderId)).toBe('REFUNDED');
  });
});

describe('the checkout saga, late replies and timeouts', () => {
  it('a step past its deadline is cancelled (TIMED_OUT) with BOTH compensations; its late replies are compensated too', async () => {
    const order = await placed();
    await h.deliver('inventory.stock_reserved', { orderId: order.orderId, reservationId: randomUUID(), expiresAt: new Date().toISOString() });
    await order.sent();
    h.time.advance(29_000);
    expect(await h.app.saga.timeOut(order.orderId)).toBe('skipped');
    h.time.advance(2_000);
    const swept = await h.app.sweeper.sweep();
    expect(swept.cancelled).toBeGreaterThanOrEqual(1);
    expect(await h.statusOf(order.orderId)).toBe('CANCELLED');
    const sent = await order.sent();
    expect(types(sent)).toEqual(['inventory.release', 'order.cancelled', 'order.status_changed', 'payments.cancel']);
    expect(sent.find((row) => row.type === 'order.cancelled')!.payload).toMatchObject({ reason: 'TIMED_OUT' });

    // The authorization arrives after all: it must be voided, and the order stays cancelled.
    await h.deliver('payment.authorized', { orderId: order.orderId, paymentId: randomUUID(), amount: { amount: order.view.total, currency: 'EUR' } });
    expect(await h.statusOf(order.orderId)).toBe('CANCELLED');
    expect(types(await order.sent())).toEqual(['payments.cancel']);
    // A late capture is refunded, a late commit given back.
    await h.deliver('payment.captured', { orderId: order.orderId, paymentId: randomUUID(), amount: { amount: order.view.total, currency: 'EUR' } });
    await h.deliver('inventory.stock_committed', { orderId: order.orderId });
    expect(types(await order.sent())).toEqual(['inventory.release', 'payments.cancel']);
    expect(await h.statusOf(order.orderId)).toBe('CANCELLED');
  });

  it('waiting for the capture reply is never cancelled by a timeout: the capture is sent again', async () => {
    const order = await placed();
    await toCaptureRequested(order);
    h.time.advance(31_000);
    expect(await h.app.saga.timeOut(order.orderId)).toBe('capture-retried');
    expect(await h.statusOf(order.orderId)).toBe('PAYMENT_AUTHORIZED');
    expect(types(await order.sent())).toEqual(['payments.capture']);
    // Not again until the new deadline passes.
    expect(await h.app.saga.timeOut(order.orderId)).toBe('skipped');
  });

  it('the sweeper and a reply never both move an order', async () => {
    const order = await placed();
    h.time.advance(31_000);
    await Promise.all([
      h.app.saga.timeOut(order.orderId),
      h.deliver('inventory.stock_reserved', { orderId: order.orderId, reservationId: randomUUID(), expiresAt: new Date().toISOString() }),
    ]);
    const steps = await history(order.orderId);
    // Either the reply won (then the sweeper found a fresh deadline), or the sweeper did (then the reply was late).
    expect([
      ['∅→PENDING', 'PENDING→STOCK_RESERVED'],
      ['∅→PENDING', 'PENDING→CANCELLED'],
    ]).toContainEqual(steps);
  });
});

describe('cancelOrder and markVendorOrderShipped', () => {
  it('a customer cancels before shipment: both compensations, and a retry changes nothing more', async () => {
    const order = await placed();
    await toCaptureRequested(order);
    await h.deliver('payment.captured', { orderId: order.orderId, paymentId: randomUUID(), amount: { amount: order.view.total, currency: 'EUR' } });
    await order.sent();
    const cancelled = await h.app.services.orders.cancel(h.scope(order.customer), { orderId: order.orderId, idempotencyKey: randomUUID() });
    expect(cancelled.ok && cancelled.value.order.status).toBe('CANCELLED');
    const sent = await order.sent();
    expect(types(sent)).toEqual(['inventory.release', 'order.cancelled', 'order.status_changed', 'payments.cancel']);
    expect(sent.find((row) => row.type === 'order.cancelled')!.payload).toMatchObject({ reason: 'CANCELLED_BY_CUSTOMER' });
    const again = await h.app.services.orders.cancel(h.scope(order.customer), { orderId: order.orderId, idempotencyKey: randomUUID() });
    expect(again.ok).toBe(true);
    expect(await order.sent()).toEqual([]);
  });

  it('an admin cancels any customer’s order (CANCELLED_BY_ADMIN); a vendor may not cancel', async () => {
    const order = await placed();
    await toCaptureRequested(order);
    await order.sent();
    await expect(h.app.services.orders.cancel(h.scope(h.vendor(order.view.vendorOrders[0]!.vendorId)), { orderId: order.orderId, idempotencyKey: randomUUID() })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    expect(await order.sent()).toEqual([]);
    const cancelled = await h.app.services.orders.cancel(h.scope(h.admin()), { orderId: order.orderId, idempotencyKey: randomUUID() });
    expect(cancelled.ok && cancelled.value.order.status).toBe('CANCELLED');
    const sent = await order.sent();
    expect(types(sent)).toEqual(['inventory.release', 'order.cancelled', 'order.status_changed', 'payments.cancel']);
    expect(sent.find((row) => row.type === 'order.cancelled')!.payload).toMatchObject({ reason: 'CANCELLED_BY_ADMIN' });
  });

  it('another customer’s order is not found; a shipped order is not cancellable', async () => {
    const order = await placed();
    const other = await h.app.services.orders.cancel(h.scope(h.customer()), { orderId: order.orderId, idempotencyKey: randomUUID() });
    expect(other).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.ORDER_NOT_FOUND }] });
    expect(await h.statusOf(order.orderId)).toBe('PENDING');

    await toCaptureRequested(order);
    await h.deliver('payment.captured', { orderId: order.orderId, paymentId: randomUUID(), amount: { amount: order.view.total, currency: 'EUR' } });
    const [first, second] = order.view.vendorOrders;
    const shipFirst = await h.app.services.orders.markShipped(h.scope(h.vendor(first!.vendorId)), { vendorOrderId: first!.id, carrier: 'DHL', trackingNumber: 'JD0001' });
    expect(shipFirst.ok && shipFirst.value.status).toBe('SHIPPED');
    const refused = await h.app.services.orders.cancel(h.scope(order.customer), { orderId: order.orderId, idempotencyKey: randomUUID() });
    expect(refused).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.ORDER_NOT_CANCELLABLE }] });
    expect(await h.statusOf(order.orderId)).toBe('CONFIRMED');

    // Another vendor's vendor order is not found; the last part shipped makes the order SHIPPED.
    const wrongVendor = await h.app.services.orders.markShipped(h.scope(h.vendor(first!.vendorId)), { vendorOrderId: second!.id, carrier: 'DHL', trackingNumber: 'JD0002' });
    expect(wrongVendor).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.VENDOR_ORDER_NOT_FOUND }] });
    await order.sent();
    await h.app.services.orders.markShipped(h.scope(h.vendor(second!.vendorId)), { vendorOrderId: second!.id, carrier: 'UPS', trackingNumber: '1Z999' });
    expect(await h.statusOf(order.orderId)).toBe('SHIPPED');
    expect(types(await order.sent())).toEqual(['order.status_changed', 'vendor_order.shipped']);
    const refusedShipped = await h.app.services.orders.cancel(h.scope(order.customer), { orderId: order.orderId, idempotencyKey: randomUUID() });
    expect(refusedShipped).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.ORDER_NOT_CANCELLABLE }] });
  });

  it('a vendor order can only be shipped once its order is confirmed', async () => {
    const order = await placed();
    const [first] = order.view.vendorOrders;
    const early = await h.app.services.orders.markShipped(h.scope(h.vendor(first!.vendorId)), { vendorOrderId: first!.id, carrier: 'DHL', trackingNumber: 'JD0003' });
    expect(early).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.VENDOR_ORDER_NOT_SHIPPABLE }] });
    expect(await vendorStatuses(order.orderId)).toEqual(['PENDING', 'PENDING']);
  });
});

describe('markVendorOrderDelivered', () => {
  /** A CONFIRMED order of two vendors with both parts shipped; what it sent so far is read. */
  async function shippedOrder() {
    const order = await placed();
    await toCaptureRequested(order);
    await h.deliver('payment.captured', { orderId: order.orderId, paymentId: randomUUID(), amount: { amount: order.view.total, currency: 'EUR' } });
    for (const part of order.view.vendorOrders) {
      const shipped = await h.app.services.orders.markShipped(h.scope(h.vendor(part.vendorId)), { vendorOrderId: part.id, carrier: 'DHL', trackingNumber: `JD-${part.position}` });
      if (!shipped.ok) throw new Error(`shipping failed: ${JSON.stringify(shipped.errors)}`);
    }
    await order.sent();
    return order;
  }
  const deliver = (vendorId: string, vendorOrderId: string) => h.app.services.orders.markDelivered(h.scope(h.vendor(vendorId)), { vendorOrderId });

  it('a vendor delivers its part; the order becomes DELIVERED with its last part, with its history row and order.status_changed', async () => {
    const order = await shippedOrder();
    const [first, second] = order.view.vendorOrders;

    const firstDelivered = await deliver(first!.vendorId, first!.id.toUpperCase());
    expect(firstDelivered).toMatchObject({ ok: true, value: { id: first!.id, status: 'DELIVERED', carrier: 'DHL', trackingNumber: 'JD-1', deliveredAt: expect.any(Date) as Date } });
    expect(await vendorStatuses(order.orderId)).toEqual(['DELIVERED', 'SHIPPED']);
    expect(await h.statusOf(order.orderId)).toBe('SHIPPED');
    const partEvent = await order.sent();
    expect(partEvent).toEqual([
      {
        type: 'vendor_order.delivered',
        correlationId: expect.any(String) as string,
        payload: { orderId: order.orderId, orderNumber: order.view.order.number, customerId: order.customer.userId, vendorOrderId: first!.id, vendorId: first!.vendorId, number: first!.number, carrier: 'DHL', trackingNumber: 'JD-1' },
      },
    ]);

    // Marking it again is a retry: the part as it is, nothing written.
    const again = await deliver(first!.vendorId, first!.id);
    expect(again.ok && again.value.deliveredAt).toEqual(firstDelivered.ok && firstDelivered.value.deliveredAt);
    expect(await order.sent()).toEqual([]);

    const last = await deliver(second!.vendorId, second!.id);
    expect(last.ok && last.value.status).toBe('DELIVERED');
    expect(await h.statusOf(order.orderId)).toBe('DELIVERED');
    const sent = await order.sent();
    expect(types(sent)).toEqual(['order.status_changed', 'vendor_order.delivered']);
    expect(sent.find((row) => row.type === 'order.status_changed')!.payload).toMatchObject({ from: 'SHIPPED', to: 'DELIVERED' });
    const changes = await h.orders.history(order.orderId);
    expect(changes.at(-1)).toMatchObject({ from: 'SHIPPED', to: 'DELIVERED', reason: 'every vendor order delivered' });
    expect(await history(order.orderId)).toEqual(['∅→PENDING', 'PENDING→STOCK_RESERVED', 'STOCK_RESERVED→PAYMENT_AUTHORIZED', 'PAYMENT_AUTHORIZED→CONFIRMED', 'CONFIRMED→SHIPPED', 'SHIPPED→DELIVERED']);

    // The customer sees the whole order delivered.
    const seen = await h.app.services.orders.order(h.scope(order.customer), order.orderId);
    expect(seen?.order.status).toBe('DELIVERED');
    expect(seen?.vendorOrders.map((part) => part.deliveredAt instanceof Date)).toEqual([true, true]);
  });

  it('refusals change nothing: a part not shipped yet, another vendor’s, an unknown id; and it is for vendors only', async () => {
    const order = await placed();
    const [first, second] = order.view.vendorOrders;
    const unchanged = async (expectedParts: string[], expectedOrder: string) => {
      expect(await vendorStatuses(order.orderId)).toEqual(expectedParts);
      expect(await h.statusOf(order.orderId)).toBe(expectedOrder);
      expect(await order.sent()).toEqual([]);
    };

    const pending = await deliver(first!.vendorId, first!.id);
    expect(pending).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.VENDOR_ORDER_NOT_SHIPPED, field: ['input', 'vendorOrderId'] }] });
    await unchanged(['PENDING', 'PENDING'], 'PENDING');

    await toCaptureRequested(order);
    await h.deliver('payment.captured', { orderId: order.orderId, paymentId: randomUUID(), amount: { amount: order.view.total, currency: 'EUR' } });
    await order.sent();
    const confirmed = await deliver(first!.vendorId, first!.id);
    expect(confirmed).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.VENDOR_ORDER_NOT_SHIPPED }] });
    await unchanged(['CONFIRMED', 'CONFIRMED'], 'CONFIRMED');

    await h.app.services.orders.markShipped(h.scope(h.vendor(second!.vendorId)), { vendorOrderId: second!.id, carrier: 'UPS', trackingNumber: '1Z999' });
    await order.sent();
    // Another vendor's shipped part is not found, exactly like a part that does not exist.
    for (const vendorOrderId of [second!.id, randomUUID(), 'not-a-uuid']) {
      const refused = await deliver(first!.vendorId, vendorOrderId);
      expect(refused).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.VENDOR_ORDER_NOT_FOUND, field: ['input', 'vendorOrderId'] }] });
    }
    await unchanged(['CONFIRMED', 'SHIPPED'], 'CONFIRMED');

    // A shipped part delivered while another has not shipped: the order waits for it.
    expect((await deliver(second!.vendorId, second!.id)).ok).toBe(true);
    expect(types(await order.sent())).toEqual(['vendor_order.delivered']);
    await unchanged(['CONFIRMED', 'DELIVERED'], 'CONFIRMED');

    await expect(h.app.services.orders.markDelivered(h.scope(order.customer), { vendorOrderId: first!.id })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(h.app.services.orders.markDelivered(h.scope(h.admin()), { vendorOrderId: first!.id })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(h.app.services.orders.markDelivered(h.scope(null), { vendorOrderId: first!.id })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('a part of a cancelled order was never shipped', async () => {
    const order = await placed();
    const [first] = order.view.vendorOrders;
    await h.app.services.orders.cancel(h.scope(order.customer), { orderId: order.orderId, idempotencyKey: randomUUID() });
    await order.sent();
    expect(await deliver(first!.vendorId, first!.id)).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.VENDOR_ORDER_NOT_SHIPPED }] });
    expect(await vendorStatuses(order.orderId)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(await order.sent()).toEqual([]);
  });
});

describe('orderStats', () => {
  it('counts confirmed orders and their revenue per day and per vendor', async () => {
    const from = new Date();
    const order = await placed();
    await toCaptureRequested(order);
    await h.deliver('payment.captured', { orderId: order.orderId, paymentId: randomUUID(), amount: { amount: order.view.total, currency: 'EUR' } });
    const stats = await h.app.services.orders.stats(h.scope(h.admin()), { from, to: new Date(Date.now() + 60_000) });
    expect(stats.days.reduce((sum, day) => sum + day.ordersCount, 0)).toBeGreaterThanOrEqual(1);
    const [first] = order.view.vendorOrders;
    expect(stats.vendors.find((row) => row.vendorId === first!.vendorId)).toEqual({ vendorId: first!.vendorId, ordersCount: 1, revenue: { amount: first!.total, currency: 'EUR' } });
    await expect(h.app.services.orders.stats(h.scope(h.admin()), { from: new Date(), to: from })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
