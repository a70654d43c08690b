import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketplace, type Marketplace, type MoneyShape, type Shopper, type Store } from '../support/marketplace.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Issue 9, the first "Done when": a customer fills one cart from two stores and checks out
 * through the gateway, every subgraph real, the saga really over RabbitMQ, the notifications
 * worker beside them with its own SMTP sink. The success card ends CONFIRMED with stock taken,
 * the payment captured, two vendor orders, ledger entries net of commission, an empty cart and
 * both emails; the decline card ends CANCELLED with the stock back and nothing captured.
 */
const run = randomUUID().slice(0, 8);
let platform: TestPlatform;
let shop: Marketplace;
let lumen: Store;
let kettle: Store;
const variants = { lamp: '', mug: '' };

interface PaymentShape {
  status: string;
  amount: MoneyShape;
  capturedAmount: MoneyShape;
}

const paymentOf = async (shopper: Shopper, orderId: string) =>
  (
    await platform.gateway.data<{ paymentForOrder: PaymentShape | null }>(
      `query($id: ID!) { paymentForOrder(orderId: $id) { status amount { amount currency } capturedAmount { amount currency } } }`,
      { id: orderId },
      { token: shopper.token },
    )
  ).paymentForOrder;

const myCartLines = async (shopper: Shopper) =>
  (await platform.gateway.data<{ myCart: { lines: { variantId: string }[] } | null }>(`query { myCart { lines { variantId } } }`, {}, { token: shopper.token })).myCart
    ?.lines ?? [];

beforeAll(async () => {
  platform = await bootPlatform({ workers: true });
  const adminToken = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
  shop = marketplace({ gateway: platform.gateway, adminToken, sign: (claims) => platform.signAccessToken(claims) }, run);
  lumen = await shop.store('Lumen');
  kettle = await shop.store('Kettle');
  const berlin = await shop.warehouse(`BER-${run}`.toUpperCase());
  const amsterdam = await shop.warehouse(`AMS-${run}`.toUpperCase());
  variants.lamp = await shop.product(lumen, 'Desk lamp', 4_500);
  variants.mug = await shop.product(kettle, 'Stoneware mug', 1_250);
  await shop.receive(lumen, variants.lamp, berlin, 4);
  await shop.receive(lumen, variants.lamp, amsterdam, 2);
  await shop.receive(kettle, variants.mug, amsterdam, 10);
}, 60_000);

afterAll(async () => {
  await platform?.close();
});

describe('checkout through the gateway', () => {
  it('success card → CONFIRMED: stock taken, payment captured, two vendor orders, ledger net of commission, cart empty, both emails', async () => {
    const ada = await shop.shopper('ada');
    await shop.addToCart(ada, variants.lamp, 2);
    const { cartId } = await shop.addToCart(ada, variants.mug, 3);
    const before = await shop.available([variants.lamp, variants.mug]);

    const placed = await shop.placeOrder(ada, cartId, 'tok_success');
    expect(placed.userErrors).toEqual([]);
    expect(placed.order?.status).toBe('PENDING');
    const orderId = placed.order!.id;

    const settled = await shop.settled(ada, orderId);
    expect(settled).toEqual({ status: 'CONFIRMED', cancellationReason: null });

    const after = await shop.available([variants.lamp, variants.mug]);
    expect(after[variants.lamp]).toBe(before[variants.lamp]! - 2);
    expect(after[variants.mug]).toBe(before[variants.mug]! - 3);

    const order = await platform.gateway.data<{
      order: { total: MoneyShape; vendorOrders: { vendorId: string; status: string; total: MoneyShape }[]; statusHistory: { to: string }[] };
    }>(
      `query($id: ID!) { order(id: $id) { total { amount currency } vendorOrders { vendorId status total { amount currency } } statusHistory { to } } }`,
      { id: orderId },
      { token: ada.token },
    );
    expect(order.order.vendorOrders.map((vendorOrder) => vendorOrder.vendorId).sort()).toEqual([lumen.vendorId, kettle.vendorId].sort());
    expect(order.order.vendorOrders.every((vendorOrder) => vendorOrder.status === 'CONFIRMED')).toBe(true);
    expect(order.order.statusHistory.map((change) => change.to)).toEqual(['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED']);

    const payment = await paymentOf(ada, orderId);
    expect(payment?.status).toBe('CAPTURED');
    expect(payment?.capturedAmount).toEqual(order.order.total);

    // The ledger: each store's SALE is its vendor order's share less the commission, and every
    // entry of the order together is exactly what was captured.
    const entries = await platform.gateway.data<{ ledgerEntries: { edges: { node: { vendorId: string | null; orderId: string; kind: string; amount: MoneyShape } }[] } }>(
      `query { ledgerEntries(first: 100) { edges { node { vendorId orderId kind amount { amount currency } } } } }`,
      {},
      { token: await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' }) },
    );
    const ofOrder = entries.ledgerEntries.edges.map((edge) => edge.node).filter((entry) => entry.orderId === orderId);
    const sales = ofOrder.filter((entry) => entry.kind === 'SALE');
    expect(sales.map((entry) => entry.vendorId).sort()).toEqual([lumen.vendorId, kettle.vendorId].sort());
    expect(ofOrder.some((entry) => entry.kind === 'COMMISSION')).toBe(true);
    for (const sale of sales) {
      const share = order.order.vendorOrders.find((vendorOrder) => vendorOrder.vendorId === sale.vendorId)!.total.amount;
      expect(sale.amount.amount).toBeLessThan(share);
      expect(sale.amount.amount).toBeGreaterThan(0);
    }
    expect(ofOrder.reduce((sum, entry) => sum + entry.amount.amount, 0)).toBe(order.order.total.amount);
    const balance = await platform.gateway.data<{ vendorBalance: { amounts: MoneyShape[] } }>(`query { vendorBalance { amounts { amount currency } } }`, {}, { token: lumen.token });
    expect(balance.vendorBalance.amounts).toEqual([sales.find((sale) => sale.vendorId === lumen.vendorId)!.amount]);

    await waitFor('the cart emptied by order.confirmed', async () => ((await myCartLines(ada)).length === 0 ? true : undefined));

    const mail = platform.mail!;
    const number = placed.order!.number;
    await waitFor('the customer’s confirmation and both stores’ new-order emails', () => {
      const recipients = mail.messages().filter((message) => message.subject.includes(number)).flatMap((message) => message.to);
      if ([ada.email, lumen.ownerEmail, kettle.ownerEmail].every((address) => recipients.includes(address))) return true;
      throw new Error(`mail so far for ${number}: ${JSON.stringify(mail.messages().map((message) => [message.to, message.subject]))}`);
    }, { timeoutMs: 15_000 });
    const toAda = mail.messages().filter((message) => message.to.includes(ada.email) && message.subject.includes(number));
    expect(toAda).toHaveLength(1);
  });

  it('decline card → CANCELLED: the stock is back and nothing is captured', async () => {
    const bea = await shop.shopper('bea');
    const { cartId } = await shop.addToCart(bea, variants.lamp, 1);
    const before = await shop.available([variants.lamp]);

    const placed = await shop.placeOrder(bea, cartId, 'tok_decline');
    expect(placed.userErrors).toEqual([]);
    const settled = await shop.settled(bea, placed.order!.id);
    expect(settled).toEqual({ status: 'CANCELLED', cancellationReason: 'PAYMENT_DECLINED' });

    await waitFor('the reservation released', async () => ((await shop.available([variants.lamp]))[variants.lamp] === before[variants.lamp] ? true : undefined));
    const payment = await paymentOf(bea, placed.order!.id);
    expect(payment?.status ?? 'DECLINED').toBe('DECLINED');
    expect(payment?.capturedAmount.amount ?? 0).toBe(0);
    // The cart is kept: the shopper may try another card.
    expect((await myCartLines(bea)).map((line) => line.variantId)).toEqual([variants.lamp]);
  });

  it('the same placeOrder sent twice at once with one idempotency key → one order', async () => {
    const cy = await shop.anonymousShopper();
    const { cartId } = await shop.addToCart(cy, variants.mug, 1);
    const key = randomUUID();
    const [first, second] = await Promise.all([shop.placeOrder(cy, cartId, 'tok_success', key), shop.placeOrder(cy, cartId, 'tok_success', key)]);
    expect(first.userErrors).toEqual([]);
    expect(second.userErrors).toEqual([]);
    expect(second.order?.id).toBe(first.order?.id);
    const mine = await platform.gateway.data<{ myOrders: { totalCount: number } }>(`query { myOrders(first: 10) { totalCount } }`, {}, { token: cy.token });
    expect(mine.myOrders.totalCount).toBe(1);
    expect((await shop.settled(cy, first.order!.id)).status).toBe('CONFIRMED');
  });

  it('100 customers at once for the last 10 units of one SKU → exactly 10 CONFIRMED, the rest refused or CANCELLED as out of stock, stock 0', async () => {
    const store = await shop.store('Scarce');
    const [first, second] = [await shop.warehouse(`SC1-${run}`.toUpperCase()), await shop.warehouse(`SC2-${run}`.toUpperCase())];
    const lastTen = await shop.product(store, 'Last ten', 9_900);
    await shop.receive(store, lastTen, first, 6);
    await shop.receive(store, lastTen, second, 4);

    const shoppers = await Promise.all(Array.from({ length: 100 }, () => shop.anonymousShopper()));
    const carts: string[] = [];
    for (let start = 0; start < shoppers.length; start += 20) {
      const batch = await Promise.all(shoppers.slice(start, start + 20).map((shopper) => shop.addToCart(shopper, lastTen, 1)));
      carts.push(...batch.map((cart) => cart.cartId));
    }

    const placed = await Promise.all(shoppers.map((shopper, index) => shop.placeOrder(shopper, carts[index]!, 'tok_success')));
    const orderIds = placed.flatMap((result) => (result.order ? [result.order.id] : []));
    const refusedAtPlacement = placed.filter((result) => !result.order);
    expect(refusedAtPlacement.flatMap((result) => result.userErrors.map((error) => error.code))).toEqual([]);

    const admin = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
    const statuses = await waitFor(
      'every placed order terminal',
      async () => {
        const listed = await platform.gateway.data<{ orders: { edges: { node: { id: string; status: string; cancellationReason: string | null } }[] } }>(
          `query($filter: OrderFilter) { orders(filter: $filter, first: 100) { edges { node { id status cancellationReason } } } }`,
          { filter: { vendorId: store.vendorId } },
          { token: admin },
        );
        const nodes = listed.orders.edges.map((edge) => edge.node);
        return nodes.length === orderIds.length && nodes.every((node) => node.status === 'CONFIRMED' || node.status === 'CANCELLED') ? nodes : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(statuses.filter((order) => order.status === 'CONFIRMED')).toHaveLength(10);
    const cancelled = statuses.filter((order) => order.status === 'CANCELLED');
    expect(cancelled.length + refusedAtPlacement.length).toBe(90);
    expect(cancelled.every((order) => order.cancellationReason === 'OUT_OF_STOCK')).toBe(true);
    expect((await shop.available([lastTen]))[lastTen]).toBe(0);
  }, 150_000);

  it('refuses, as typed errors that change nothing: another customer’s cart and order, another store’s vendor order, delivering before shipping, cancelling a shipped order, a refund above the capture, a second capture; the order is DELIVERED with its last part', async () => {
    const dee = await shop.shopper('dee');
    const eve = await shop.anonymousShopper();
    await shop.addToCart(dee, variants.lamp, 1);
    const { cartId } = await shop.addToCart(dee, variants.mug, 1);

    const stolenCart = await shop.placeOrder(eve, cartId, 'tok_success');
    expect(stolenCart.order).toBeNull();
    expect(stolenCart.userErrors.map((error) => error.code)).toEqual(['ORDER_CART_NOT_FOUND']);

    const placed = await shop.placeOrder(dee, cartId, 'tok_success');
    const orderId = placed.order!.id;
    expect((await shop.settled(dee, orderId)).status).toBe('CONFIRMED');

    const peek = await platform.gateway.data<{ order: unknown }>(`query($id: ID!) { order(id: $id) { id total { amount } } }`, { id: orderId }, { token: eve.token });
    expect(peek.order).toBeNull();
    const CANCEL = `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } userErrors { code } } }`;
    const foreignCancel = await platform.gateway.data<{ cancelOrder: { order: unknown; userErrors: { code: string }[] } }>(CANCEL, { input: { orderId, idempotencyKey: randomUUID() } }, { token: eve.token });
    expect(foreignCancel.cancelOrder.userErrors.map((error) => error.code)).toEqual(['ORDER_NOT_FOUND']);

    const vendorOrders = await platform.gateway.data<{ order: { vendorOrders: { id: string; vendorId: string }[] } }>(
      `query($id: ID!) { order(id: $id) { vendorOrders { id vendorId } } }`,
      { id: orderId },
      { token: dee.token },
    );
    const partOf = (store: Store) => vendorOrders.order.vendorOrders.find((vendorOrder) => vendorOrder.vendorId === store.vendorId)!.id;
    const SHIP = `mutation($input: MarkVendorOrderShippedInput!) { markVendorOrderShipped(input: $input) { vendorOrder { status } userErrors { code } } }`;
    type Shipped = { markVendorOrderShipped: { vendorOrder: { status: string } | null; userErrors: { code: string }[] } };
    const wrongStore = await platform.gateway.data<Shipped>(SHIP, { input: { vendorOrderId: partOf(lumen), carrier: 'DHL', trackingNumber: 'X1' } }, { token: kettle.token });
    expect(wrongStore.markVendorOrderShipped.userErrors.map((error) => error.code)).toEqual(['VENDOR_ORDER_NOT_FOUND']);
    const DELIVER = `mutation($input: MarkVendorOrderDeliveredInput!) { markVendorOrderDelivered(input: $input) { vendorOrder { status deliveredAt } userErrors { code } } }`;
    type Delivered = { markVendorOrderDelivered: { vendorOrder: { status: string; deliveredAt: string | null } | null; userErrors: { code: string }[] } };
    const deliver = (store: Store, vendorOrderId: string) => platform.gateway.data<Delivered>(DELIVER, { input: { vendorOrderId } }, { token: store.token });
    const notShippedYet = await deliver(lumen, partOf(lumen));
    expect(notShippedYet.markVendorOrderDelivered).toEqual({ vendorOrder: null, userErrors: [{ code: 'VENDOR_ORDER_NOT_SHIPPED' }] });
    for (const store of [lumen, kettle]) {
      const shipped = await platform.gateway.data<Shipped>(SHIP, { input: { vendorOrderId: partOf(store), carrier: 'DHL', trackingNumber: `T-${store.vendorId.slice(0, 6)}` } }, { token: store.token });
      expect(shipped.markVendorOrderShipped.userErrors).toEqual([]);
      expect(shipped.markVendorOrderShipped.vendorOrder?.status).toBe('SHIPPED');
    }
    expect((await shop.orderStatus(dee, orderId)).status).toBe('SHIPPED');
    const lateCancel = await platform.gateway.data<{ cancelOrder: { userErrors: { code: string }[] } }>(CANCEL, { input: { orderId, idempotencyKey: randomUUID() } }, { token: dee.token });
    expect(lateCancel.cancelOrder.userErrors.map((error) => error.code)).toEqual(['ORDER_NOT_CANCELLABLE']);
    expect((await shop.orderStatus(dee, orderId)).status).toBe('SHIPPED');

    // Delivery, part by part: another store's part is not found; the order waits for its last part.
    expect((await deliver(kettle, partOf(lumen))).markVendorOrderDelivered.userErrors.map((error) => error.code)).toEqual(['VENDOR_ORDER_NOT_FOUND']);
    const lumenDelivered = (await deliver(lumen, partOf(lumen))).markVendorOrderDelivered;
    expect(lumenDelivered).toEqual({ vendorOrder: { status: 'DELIVERED', deliveredAt: expect.any(String) as string }, userErrors: [] });
    expect((await shop.orderStatus(dee, orderId)).status).toBe('SHIPPED');
    // Marking it again changes nothing (the same delivery time comes back).
    expect((await deliver(lumen, partOf(lumen))).markVendorOrderDelivered).toEqual(lumenDelivered);
    expect((await deliver(kettle, partOf(kettle))).markVendorOrderDelivered.vendorOrder?.status).toBe('DELIVERED');
    const delivered = await platform.gateway.data<{ order: { status: string; vendorOrders: { status: string }[]; statusHistory: { from: string | null; to: string }[] } }>(
      `query($id: ID!) { order(id: $id) { status vendorOrders { status } statusHistory { from to } } }`,
      { id: orderId },
      { token: dee.token },
    );
    expect(delivered.order.status).toBe('DELIVERED');
    expect(delivered.order.vendorOrders.map((part) => part.status)).toEqual(['DELIVERED', 'DELIVERED']);
    expect(delivered.order.statusHistory.slice(-2)).toEqual([
      { from: 'CONFIRMED', to: 'SHIPPED' },
      { from: 'SHIPPED', to: 'DELIVERED' },
    ]);

    const admin = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
    const captured = (await paymentOf(dee, orderId))!;
    const refund = await platform.gateway.data<{ refundPayment: { userErrors: { code: string }[] } }>(
      `mutation($input: RefundPaymentInput!) { refundPayment(input: $input) { userErrors { code } } }`,
      { input: { orderId, amount: { amount: captured.capturedAmount.amount + 1, currency: captured.capturedAmount.currency }, reason: 'too much', idempotencyKey: randomUUID() } },
      { token: admin },
    );
    expect(refund.refundPayment.userErrors.map((error) => error.code)).toEqual(['PAYMENT_REFUND_EXCEEDS_CAPTURED']);
    const recapture = await platform.gateway.data<{ capturePayment: { userErrors: { code: string }[] } }>(
      `mutation($input: CapturePaymentInput!) { capturePayment(input: $input) { userErrors { code } } }`,
      { input: { orderId, idempotencyKey: randomUUID() } },
      { token: admin },
    );
    expect(recapture.capturePayment.userErrors.map((error) => error.code)).toEqual(['PAYMENT_ALREADY_CAPTURED']);
    expect(await paymentOf(dee, orderId)).toEqual(captured);

    // Each store's shipment reached the customer by email.
    await waitFor('both shipment emails', () =>
      platform.mail!.messages().filter((message) => message.to.includes(dee.email) && message.subject.includes(`of order ${placed.order!.number} is on its way`)).length === 2 ? true : undefined,
    );
  });
});
