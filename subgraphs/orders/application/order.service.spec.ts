import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { InternalReadError } from '../../../platform/http/internal-read.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { orderStatusChangedV1 } from '../../../contracts/index.ts';
import type { OrderStatus } from '../domain/order.process.ts';
import type { OrderChange } from '../infra/order.repository.ts';
import { OrderErrorCodes } from '../domain/error-codes.ts';
import type { PlaceOrderInput } from '../domain/order.ts';
import { createOrdersHarness, type OrdersHarness } from '../testing/harness.ts';

let h: OrdersHarness;
beforeAll(async () => {
  h = await createOrdersHarness({ scope: 'order-service' });
});
afterAll(async () => {
  await h?.close();
});

const address = { name: 'Ada Lovelace', line1: 'Unter den Linden 1', postalCode: '10117', city: 'Berlin', country: 'DE' };

/** A customer with a cart of two vendors' items: 2 × 1000 from vendor A, 1 × 2500 from vendor B. */
function twoVendorCart() {
  const customer = h.customer();
  const vendorA = randomUUID();
  const vendorB = randomUUID();
  const a = h.variant(vendorA, 1000);
  const b = h.variant(vendorB, 2500);
  const cart = h.cart(customer.userId, [
    { variantId: a.id, quantity: 2 },
    { variantId: b.id, quantity: 1 },
  ]);
  const input: PlaceOrderInput = { cartId: cart.id, shippingAddress: address, paymentMethodToken: 'tok_success', idempotencyKey: randomUUID() };
  return { customer, vendorA, vendorB, a, b, cart, input };
}

const countOrders = async (customerId: string) => Number((await h.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM orders WHERE customer_id = ${customerId}::uuid`)[0]?.n);

describe('placeOrder', () => {
  it('creates a PENDING order with its line snapshot, one vendor order per vendor, history and outbox rows, in one go', async () => {
    const { customer, vendorA, vendorB, a, input } = twoVendorCart();
    const placed = await h.app.services.orders.place(h.scope(customer), input);
    expect(placed.ok).toBe(true);
    if (!placed.ok) return;
    const view = placed.value;
    expect(view.order.status).toBe('PENDING');
    expect(view.order.number).toMatch(/^SH-\d{6,}$/);
    // 2000 + 2500 goods; 2 × 495 shipping; tax 19 % per vendor order: (2000+495) → 474.05 → 474, (2500+495) → 569.05 → 569.
    expect({ subtotal: view.subtotal, shipping: view.shipping, tax: view.tax, total: view.total }).toEqual({ subtotal: 4500, shipping: 990, tax: 1043, total: 6533 });
    expect(view.vendorOrders.map((part) => [part.vendorId, part.number, part.total, part.status])).toEqual([
      [vendorA, `${view.order.number}-1`, 2000 + 495 + 474, 'PENDING'],
      [vendorB, `${view.order.number}-2`, 2500 + 495 + 569, 'PENDING'],
    ]);
    const lineA = view.lines.find((line) => line.variantId === a.id);
    expect(lineA).toMatchObject({ sku: a.sku, productName: a.productName, quantity: 2, unitPrice: 1000, lineTotal: 2000, currency: 'EUR' });

    const history = await h.orders.history(view.order.id);
    expect(history.map((change) => [change.from, change.to])).toEqual([[null, 'PENDING']]);
    const outbox = await h.outbox(view.order.id);
    expect(outbox.map((row) => row.type).sort()).toEqual(['inventory.reserve', 'order.placed', 'order.status_changed']);
    const reserve = outbox.find((row) => row.type === 'inventory.reserve')!;
    expect(reserve.payload).toMatchObject({ orderId: view.order.id, ttlSeconds: 900 });
    expect(reserve.payload.lines).toEqual(expect.arrayContaining([{ variantId: a.id, quantity: 2 }]));
    expect(outbox.every((row) => row.correlationId === outbox[0]!.correlationId)).toBe(true);
  });

  it('takes order numbers from the sequence a block at a time: unique and increasing, one statement per block', async () => {
    const sequenceAt = async () => (await h.db.$queryRaw<{ n: bigint }[]>`SELECT last_value AS n FROM order_number_seq`)[0]!.n;
    const before = await sequenceAt();
    const numbers: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { customer, input } = twoVendorCart();
      const placed = await h.app.services.orders.place(h.scope(customer), input);
      if (!placed.ok) throw new Error('placement refused');
      numbers.push(Number(placed.value.order.number.slice('SH-'.length)));
    }
    expect(numbers.toSorted((x, y) => x - y)).toEqual(numbers);
    expect(new Set(numbers).size).toBe(3);
    // Three orders either fit in the block already taken or took exactly one more.
    expect([0n, 20n]).toContain((await sequenceAt()) - before);
  });

  it('takes prices from catalog at placement, never from the cart or an earlier read', async () => {
    const { customer, a, input } = twoVendorCart();
    h.owners.variants.set(a.id, { ...a, price: { amount: 1234, currency: 'EUR' } });
    const placed = await h.app.services.orders.place(h.scope(customer), input);
    expect(placed.ok && placed.value.lines.find((line) => line.variantId === a.id)?.unitPrice).toBe(1234);
  });

  it('returns the first order for the same key and request, and refuses the key with another request', async () => {
    const { customer, input } = twoVendorCart();
    const first = await h.app.services.orders.place(h.scope(customer), input);
    const again = await h.app.services.orders.place(h.scope(customer), input);
    expect(first.ok && again.ok && again.value.order.id === first.value.order.id).toBe(true);
    const other = await h.app.services.orders.place(h.scope(customer), { ...input, paymentMethodToken: 'tok_other' });
    expect(other).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.ORDER_IDEMPOTENCY_KEY_REUSED }] });
    expect(await countOrders(customer.userId)).toBe(1);
  });

  it('answers with the order as stored, without reading it back: the same as a later read, history included', async () => {
    const { customer, input } = twoVendorCart();
    const placed = await h.app.services.orders.place(h.scope(customer), input);
    if (!placed.ok) throw new Error('placement failed');
    const { history, ...view } = placed.value;
    expect(await h.app.services.orders.order(h.scope(customer), view.order.id)).toEqual(view);
    expect(history).toEqual(await h.orders.history(view.order.id));
  });

  it('answers a used key as its first request did even when the cart or a read no longer allows placing', async () => {
    const { customer, cart, input } = twoVendorCart();
    const first = await h.app.services.orders.place(h.scope(customer), input);
    if (!first.ok) throw new Error('placement failed');
    h.owners.carts.set(cart.id, { ...cart, lines: [] });
    const again = await h.app.services.orders.place(h.scope(customer), input);
    expect(again.ok && again.value.order.id).toBe(first.value.order.id);
    const otherToken = await h.app.services.orders.place(h.scope(customer), { ...input, paymentMethodToken: 'tok_other' });
    expect(otherToken).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.ORDER_IDEMPOTENCY_KEY_REUSED }] });
    const otherCart = await h.app.services.orders.place(h.scope(customer), { ...input, cartId: randomUUID() });
    expect(otherCart).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.ORDER_IDEMPOTENCY_KEY_REUSED }] });
    h.owners.failWith = new InternalReadError('INTERNAL_READ_TIMEOUT', 'cart did not answer');
    try {
      const unavailable = await h.app.services.orders.place(h.scope(customer), input);
      expect(unavailable.ok && unavailable.value.order.id).toBe(first.value.order.id);
    } finally {
      h.owners.failWith = null;
    }
    expect(await countOrders(customer.userId)).toBe(1);
  });

  it('places one order when the same request arrives several times at once', async () => {
    const { customer, input } = twoVendorCart();
    const results = await Promise.all(Array.from({ length: 5 }, () => h.app.services.orders.place(h.scope(customer), input)));
    const ids = new Set(results.map((result) => (result.ok ? result.value.order.id : 'refused')));
    expect(ids.size).toBe(1);
    expect(ids.has('refused')).toBe(false);
    expect(await countOrders(customer.userId)).toBe(1);
  });

  it('lets two customers use the same key', async () => {
    const one = twoVendorCart();
    const two = twoVendorCart();
    const key = randomUUID();
    const first = await h.app.services.orders.place(h.scope(one.customer), { ...one.input, idempotencyKey: key });
    const second = await h.app.services.orders.place(h.scope(two.customer), { ...two.input, idempotencyKey: key });
    expect(first.ok && second.ok && first.value.order.id !== second.value.order.id).toBe(true);
  });

  describe('refusals write nothing', () => {
    const refusals: { name: string; code: string; arrange: (setup: ReturnType<typeof twoVendorCart>) => PlaceOrderInput }[] = [
      { name: 'an empty cart', code: OrderErrorCodes.ORDER_CART_EMPTY, arrange: (s) => ({ ...s.input, cartId: h.cart(s.customer.userId, []).id }) },
      { name: 'an unknown cart', code: OrderErrorCodes.ORDER_CART_NOT_FOUND, arrange: (s) => ({ ...s.input, cartId: randomUUID() }) },
      { name: "another customer's cart", code: OrderErrorCodes.ORDER_CART_NOT_FOUND, arrange: (s) => ({ ...s.input, cartId: h.cart(randomUUID(), [{ variantId: s.a.id, quantity: 1 }]).id }) },
      {
        name: 'a variant off sale',
        code: OrderErrorCodes.ORDER_VARIANT_NOT_ON_SALE,
        arrange: (s) => {
          h.owners.variants.set(s.b.id, { ...s.b, onSale: false });
          return s.input;
        },
      },
      { name: 'a variant catalog does not know', code: OrderErrorCodes.ORDER_VARIANT_NOT_ON_SALE, arrange: (s) => ({ ...s.input, cartId: h.cart(s.customer.userId, [{ variantId: randomUUID(), quantity: 1 }]).id }) },
      { name: 'a price in another currency', code: OrderErrorCodes.ORDER_CURRENCY_MISMATCH, arrange: (s) => ({ ...s.input, cartId: h.cart(s.customer.userId, [{ variantId: s.a.id, quantity: 1 }], 'USD').id }) },
      { name: 'an unsupported country', code: OrderErrorCodes.ORDER_SHIPPING_COUNTRY_UNSUPPORTED, arrange: (s) => ({ ...s.input, shippingAddress: { ...address, country: 'JP' } }) },
      { name: 'a bad address', code: ErrorCodes.VALIDATION_FAILED, arrange: (s) => ({ ...s.input, shippingAddress: { ...address, line1: '   ', postalCode: '!!' } }) },
      { name: 'a bad idempotency key', code: ErrorCodes.VALIDATION_FAILED, arrange: (s) => ({ ...s.input, idempotencyKey: 'short' }) },
    ];

    it.each(refusals)('$name → $code', async ({ code, arrange }) => {
      const setup = twoVendorCart();
      const result = await h.app.services.orders.place(h.scope(setup.customer), arrange(setup));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.map((error) => error.code)).toContain(code);
      expect(await countOrders(setup.customer.userId)).toBe(0);
    });

    it('a failed read of cart or catalog → ORDER_CHECKOUT_UNAVAILABLE, and the same key works once they are back', async () => {
      const setup = twoVendorCart();
      h.owners.failWith = new InternalReadError('INTERNAL_READ_TIMEOUT', 'catalog did not answer');
      try {
        const failed = await h.app.services.orders.place(h.scope(setup.customer), setup.input);
        expect(failed).toMatchObject({ ok: false, errors: [{ code: OrderErrorCodes.ORDER_CHECKOUT_UNAVAILABLE }] });
        expect(await countOrders(setup.customer.userId)).toBe(0);
      } finally {
        h.owners.failWith = null;
      }
      expect((await h.app.services.orders.place(h.scope(setup.customer), setup.input)).ok).toBe(true);
    });
  });

  it('is for customers only', async () => {
    const { input } = twoVendorCart();
    await expect(h.app.services.orders.place(h.scope(h.vendor()), input)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(h.app.services.orders.place(h.scope(null), input)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('locking orders in the saga', () => {
  it('locks the orders asked for together in one transaction with one statement, each caller getting its own', async () => {
    const placed = await Promise.all([twoVendorCart(), twoVendorCart()].map(({ customer, input }) => h.app.services.orders.place(h.scope(customer), input)));
    const ids = placed.map((result) => (result.ok ? result.value.order.id : 'refused'));
    const locked = await h.db.$transaction(async (tx) => {
      let statements = 0;
      const counted: SqlClient = {
        $queryRaw: (query, ...values) => (statements++, tx.$queryRaw(query, ...values)),
        $executeRaw: (query, ...values) => (statements++, tx.$executeRaw(query, ...values)),
        $queryRawUnsafe: (query, ...values) => (statements++, tx.$queryRawUnsafe(query, ...values)),
        $executeRawUnsafe: (query, ...values) => (statements++, tx.$executeRawUnsafe(query, ...values)),
      };
      const aggregates = await Promise.all([...ids, randomUUID(), ids[0]!.toUpperCase()].map((id) => h.orders.lock(counted, id)));
      return { statements, orderIds: aggregates.map((aggregate) => aggregate?.order.id ?? null) };
    });
    expect(locked).toEqual({ statements: 1, orderIds: [ids[0], ids[1], null, ids[0]] });
  });

  it('applies the changes asked for together in one statement, each only if its order is still in its from, a second change of one order after the first', async () => {
    const placed = await Promise.all([twoVendorCart(), twoVendorCart()].map(({ customer, input }) => h.app.services.orders.place(h.scope(customer), input)));
    const [one, two] = placed.map((result) => (result.ok ? result.value.order.id : 'refused')) as [string, string];
    const change = (orderId: string, from: OrderStatus, to: OrderStatus): OrderChange => ({
      orderId,
      from,
      to,
      reason: 'spec',
      stepDeadline: null,
      messages: [{ contract: orderStatusChangedV1, payload: { orderId, customerId: randomUUID(), vendorIds: [], from, to }, correlationId: `spec-${orderId}` }],
    });
    const outcome = await h.db.$transaction(async (tx) => {
      let statements = 0;
      const counted: SqlClient = { ...tx, $queryRaw: (query, ...values) => (statements++, tx.$queryRaw(query, ...values)) };
      const applied = await Promise.all([
        h.orders.apply(counted, change(one, 'PENDING', 'STOCK_RESERVED')),
        h.orders.apply(counted, change(two, 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED')),
        h.orders.apply(counted, change(one, 'PENDING', 'CANCELLED')),
      ]);
      return { applied, statements };
    });
    // The first and second in one statement; the third (the same order) after it, no longer PENDING.
    expect(outcome).toEqual({ applied: [true, false, false], statements: 2 });
    expect((await h.orders.history(one)).map((row) => row.to)).toEqual(['PENDING', 'STOCK_RESERVED']);
    expect((await h.orders.history(two)).map((row) => row.to)).toEqual(['PENDING']);
    const written = async (orderId: string) => (await h.outbox(orderId)).filter((row) => row.correlationId === `spec-${orderId}`).length;
    expect([await written(one), await written(two)]).toEqual([1, 0]);
  });
});

describe('reading orders', () => {
  it('shows the whole order to its customer and admins, a vendor its own part only, others nothing', async () => {
    const { customer, vendorA, input } = twoVendorCart();
    const placed = await h.app.services.orders.place(h.scope(customer), input);
    if (!placed.ok) throw new Error('placement failed');
    const id = placed.value.order.id;
    expect((await h.app.services.orders.order(h.scope(customer), id))?.vendorOrders).toHaveLength(2);
    expect((await h.app.services.orders.order(h.scope(h.admin()), id))?.total).toBe(placed.value.total);
    const vendorView = await h.app.services.orders.order(h.scope(h.vendor(vendorA)), id);
    expect(vendorView?.vendorOrders.map((part) => part.vendorId)).toEqual([vendorA]);
    expect(vendorView?.lines).toHaveLength(1);
    expect(vendorView?.total).toBe(vendorView?.vendorOrders[0]?.total);
    expect(await h.app.services.orders.order(h.scope(h.vendor()), id)).toBeNull();
    expect(await h.app.services.orders.order(h.scope(h.customer()), id)).toBeNull();
    expect(await h.app.services.orders.order(h.scope(null), id)).toBeNull();
  });

  it('lists a customer’s own orders newest first, in pages', async () => {
    const customer = h.customer();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const variant = h.variant(randomUUID(), 100);
      const cart = h.cart(customer.userId, [{ variantId: variant.id, quantity: 1 }]);
      const placed = await h.app.services.orders.place(h.scope(customer), { cartId: cart.id, shippingAddress: address, paymentMethodToken: 'tok', idempotencyKey: randomUUID() });
      if (placed.ok) ids.push(placed.value.order.id);
    }
    const first = await h.app.services.orders.myOrders(h.scope(customer), { first: 2 });
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((edge) => edge.node.order.id)).toEqual([ids[2], ids[1]]);
    const second = await h.app.services.orders.myOrders(h.scope(customer), { first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((edge) => edge.node.order.id)).toEqual([ids[0]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('lists a vendor’s vendor orders by status, and admins filter all orders by vendor', async () => {
    const { customer, vendorA, input } = twoVendorCart();
    const placed = await h.app.services.orders.place(h.scope(customer), input);
    if (!placed.ok) throw new Error('placement failed');
    const vendorOrders = await h.app.services.orders.vendorOrders(h.scope(h.vendor(vendorA)), { status: 'PENDING' });
    expect(vendorOrders.edges.map((edge) => edge.node.orderId)).toEqual([placed.value.order.id]);
    expect((await h.app.services.orders.vendorOrders(h.scope(h.vendor(vendorA)), { status: 'SHIPPED' })).totalCount).toBe(0);
    const admin = await h.app.services.orders.orders(h.scope(h.admin()), { filter: { vendorId: vendorA } });
    expect(admin.edges.map((edge) => edge.node.order.id)).toEqual([placed.value.order.id]);
    await expect(h.app.services.orders.orders(h.scope(customer), {})).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });
});
