import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteTestTopology } from '../../platform/messaging/testing/topology-cleanup.ts';
import { assertEventsExchange } from '../../platform/messaging/topology.ts';
import { SAGA_CONSUMER } from '../../subgraphs/orders/application/checkout-saga.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testEnv, testMessagingPrefix } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The orders subgraph as its own process would run, through the gateway: placeOrder reads the cart
 * and the catalog over signed internal reads (here a stand-in for both owners: cart is not in this
 * branch), writes the order and its saga commands through the outbox, and the relay publishes them
 * on RabbitMQ. The test plays inventory and payments: it reads the commands off the bus and
 * publishes their replies, and watches the order walk to CONFIRMED, or be cancelled and
 * compensated, as clients would see it.
 */
const prefix = testMessagingPrefix('orders-saga');
const vendorA = randomUUID();
const vendorB = randomUUID();
const variants = new Map<string, { id: string; productId: string; vendorId: string; sku: string; productName: string; title: string; price: { amount: number; currency: string }; onSale: boolean }>();
const carts = new Map<string, { id: string; customerId: string; currency: string; lines: { variantId: string; quantity: number }[] }>();
const ownerRequests: { path: string; signed: boolean; requestId: string | undefined }[] = [];

let owners: Server;
let platform: TestPlatform;
let amqp: ChannelModel;
let channel: Channel;
/** Every message orders published, by type. */
const published: { type: string; payload: Record<string, unknown>; correlationId: string }[] = [];

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  // Cart's and catalog's internal routes, as their owners answer them.
  owners = createServer((req, res) => {
    void (async () => {
      const body = await readJson(req);
      ownerRequests.push({ path: req.url ?? '', signed: typeof req.headers.signature === 'string', requestId: req.headers['x-request-id'] as string | undefined });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/internal/carts/checkout') {
        const cart = carts.get(String(body.cartId));
        res.end(JSON.stringify({ cart: cart && cart.customerId === body.customerId ? cart : null }));
      } else if (req.url === '/internal/variants') {
        res.end(JSON.stringify({ variants: (body.ids as string[]).flatMap((id) => variants.get(id) ?? []) }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    })();
  });
  await new Promise<void>((resolve) => owners.listen(0, '127.0.0.1', resolve));
  const ownersUrl = `http://127.0.0.1:${(owners.address() as AddressInfo).port}`;

  // Everything orders declares lives under this test's own prefix.
  amqp = await connect(testEnv.RABBITMQ_URL);
  channel = await amqp.createChannel();
  const exchange = await assertEventsExchange(channel, prefix);
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  for (const key of ['inventory.#', 'payments.#', 'order.#', 'vendor_order.#']) await channel.bindQueue(queue, exchange, key);
  await channel.consume(queue, (msg) => {
    if (!msg) return;
    const envelope = JSON.parse(msg.content.toString('utf8')) as { type: string; payload: Record<string, unknown>; correlationId: string };
    published.push(envelope);
    channel.ack(msg);
  });

  platform = await bootPlatform({
    env: {
      orders: {
        CART_INTERNAL_URL: ownersUrl,
        CATALOG_INTERNAL_URL: ownersUrl,
        MESSAGING_PREFIX: prefix,
        OUTBOX_POLL_MS: '50',
        SAGA_STEP_TIMEOUT_MS: '1500',
        SAGA_SWEEP_INTERVAL_MS: '100',
        RESERVATION_TTL_SECONDS: '60',
      },
    },
  });
});

afterAll(async () => {
  await platform?.close();
  await channel?.close().catch(() => undefined);
  await amqp?.close().catch(() => undefined);
  await deleteTestTopology(testEnv.RABBITMQ_URL, prefix, [SAGA_CONSUMER]).catch(() => undefined);
  await new Promise((resolve) => owners?.close(resolve));
});

function variant(vendorId: string, amount: number) {
  const id = randomUUID();
  variants.set(id, { id, productId: randomUUID(), vendorId, sku: `E2E-${id.slice(0, 8)}`, productName: 'Lamp', title: 'Brass', price: { amount, currency: 'EUR' }, onSale: true });
  return id;
}

async function customer() {
  const userId = randomUUID();
  return { userId, token: await platform.signAccessToken({ sub: userId, role: 'CUSTOMER' }) };
}

const ORDER_FIELDS = `id number status cancellationReason total { amount currency formatted } vendorOrders { id number vendorId status total { amount } } statusHistory { from to }`;

interface OrderShape {
  id: string;
  number: string;
  status: string;
  cancellationReason: string | null;
  total: { amount: number; currency: string; formatted: string };
  vendorOrders: { id: string; number: string; vendorId: string; status: string; total: { amount: number } }[];
  statusHistory: { from: string | null; to: string }[];
}

async function placeOrder(token: string, cartId: string, idempotencyKey = randomUUID()) {
  return platform.gateway.data<{ placeOrder: { order: OrderShape | null; userErrors: { code: string }[] } }>(
    `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { ${ORDER_FIELDS} } userErrors { code } } }`,
    { input: { cartId, idempotencyKey, paymentMethodToken: 'tok_success', shippingAddress: { name: 'Ada', line1: 'Main St 1', postalCode: '10117', city: 'Berlin', country: 'DE' } } },
    { token },
  );
}

const readOrder = async (token: string, id: string) => (await platform.gateway.data<{ order: OrderShape | null }>(`query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id }, { token })).order;

const command = (type: string, orderId: string) => waitFor(`${type} for ${orderId} on the bus`, () => published.find((message) => message.type === type && message.payload.orderId === orderId));

/** Publishes a reply as inventory or payments would (a fresh message id each time). */
function reply(type: string, payload: Record<string, unknown>, correlationId: string) {
  const envelope = { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), correlationId, payload };
  channel.publish(`${prefix}events`, type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: envelope.id, contentType: 'application/json' });
}

const statusOf = async (token: string, id: string, status: string) => waitFor(`order ${id} ${status}`, async () => ((await readOrder(token, id))?.status === status ? true : undefined));

describe('checkout through the gateway, the saga over RabbitMQ', () => {
  it('places an order from two vendors and walks it to CONFIRMED as inventory and payments reply', async () => {
    const shopper = await customer();
    const cartId = randomUUID();
    carts.set(cartId, { id: cartId, customerId: shopper.userId, currency: 'EUR', lines: [{ variantId: variant(vendorA, 1999), quantity: 2 }, { variantId: variant(vendorB, 500), quantity: 1 }] });

    const placed = await placeOrder(shopper.token, cartId);
    expect(placed.placeOrder.userErrors).toEqual([]);
    const order = placed.placeOrder.order!;
    expect(order).toMatchObject({ status: 'PENDING', number: expect.stringMatching(/^SH-\d{6,}$/) as string });
    expect(order.vendorOrders.map((part) => part.vendorId)).toEqual([vendorA, vendorB]);
    // (3998 + 495) × 19 % = 853.67 → 854; (500 + 495) × 19 % = 189.05 → 189.
    expect(order.total).toMatchObject({ amount: 3998 + 500 + 990 + 854 + 189, currency: 'EUR' });
    // Both owners were read in that request, with the service signature and its request id.
    expect(ownerRequests.filter((request) => request.signed).map((request) => request.path)).toEqual(expect.arrayContaining(['/internal/carts/checkout', '/internal/variants']));

    const reserve = await command('inventory.reserve', order.id);
    await command('order.placed', order.id);
    reply('inventory.stock_reserved', { orderId: order.id, reservationId: randomUUID(), expiresAt: new Date(Date.now() + 60_000).toISOString() }, reserve.correlationId);
    const authorize = await command('payments.authorize', order.id);
    expect(authorize.payload).toMatchObject({ amount: { amount: order.total.amount, currency: 'EUR' }, paymentMethodToken: 'tok_success' });
    expect(authorize.correlationId).toBe(reserve.correlationId);
    const paymentId = randomUUID();
    reply('payment.authorized', { orderId: order.id, paymentId, amount: { amount: order.total.amount, currency: 'EUR' } }, reserve.correlationId);
    await command('inventory.commit', order.id);
    reply('inventory.stock_committed', { orderId: order.id }, reserve.correlationId);
    await command('payments.capture', order.id);
    reply('payment.captured', { orderId: order.id, paymentId, amount: { amount: order.total.amount, currency: 'EUR' } }, reserve.correlationId);

    await statusOf(shopper.token, order.id, 'CONFIRMED');
    await command('order.confirmed', order.id);
    const confirmed = await readOrder(shopper.token, order.id);
    expect(confirmed?.vendorOrders.map((part) => part.status)).toEqual(['CONFIRMED', 'CONFIRMED']);
    expect(confirmed?.statusHistory.map((change) => change.to)).toEqual(['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED']);

    // The vendor sees its part only, and ships it.
    const vendorToken = await platform.signAccessToken({ role: 'VENDOR', vid: vendorA });
    const vendorView = await readOrder(vendorToken, order.id);
    expect(vendorView?.vendorOrders.map((part) => part.vendorId)).toEqual([vendorA]);
    const shipped = await platform.gateway.data<{ markVendorOrderShipped: { vendorOrder: { status: string; trackingNumber: string } | null; userErrors: { code: string }[] } }>(
      `mutation($input: MarkVendorOrderShippedInput!) { markVendorOrderShipped(input: $input) { vendorOrder { status trackingNumber } userErrors { code } } }`,
      { input: { vendorOrderId: vendorView!.vendorOrders[0]!.id, carrier: 'DHL', trackingNumber: 'JD014600006281' } },
      { token: vendorToken },
    );
    expect(shipped.markVendorOrderShipped).toEqual({ vendorOrder: { status: 'SHIPPED', trackingNumber: 'JD014600006281' }, userErrors: [] });
    await command('vendor_order.shipped', order.id);
    // It marks its part delivered; the order waits for the other vendor's part.
    const delivered = await platform.gateway.data<{ markVendorOrderDelivered: { vendorOrder: { status: string } | null; userErrors: { code: string }[] } }>(
      `mutation($input: MarkVendorOrderDeliveredInput!) { markVendorOrderDelivered(input: $input) { vendorOrder { status } userErrors { code } } }`,
      { input: { vendorOrderId: vendorView!.vendorOrders[0]!.id } },
      { token: vendorToken },
    );
    expect(delivered.markVendorOrderDelivered).toEqual({ vendorOrder: { status: 'DELIVERED' }, userErrors: [] });
    expect((await command('vendor_order.delivered', order.id)).payload).toMatchObject({ vendorOrderId: vendorView!.vendorOrders[0]!.id, carrier: 'DHL', trackingNumber: 'JD014600006281' });
    expect((await readOrder(shopper.token, order.id))?.status).toBe('CONFIRMED');

    const mine = await platform.gateway.data<{ myOrders: { totalCount: number; edges: { node: { id: string } }[] } }>(`{ myOrders(first: 5) { totalCount edges { node { id } } } }`, {}, { token: shopper.token });
    expect(mine.myOrders).toEqual({ totalCount: 1, edges: [{ node: { id: order.id } }] });
  });

  it('a declined payment releases the stock and cancels the order', async () => {
    const shopper = await customer();
    const cartId = randomUUID();
    carts.set(cartId, { id: cartId, customerId: shopper.userId, currency: 'EUR', lines: [{ variantId: variant(vendorA, 1000), quantity: 1 }] });
    const order = (await placeOrder(shopper.token, cartId)).placeOrder.order!;
    const reserve = await command('inventory.reserve', order.id);
    reply('inventory.stock_reserved', { orderId: order.id, reservationId: randomUUID(), expiresAt: new Date(Date.now() + 60_000).toISOString() }, reserve.correlationId);
    await command('payments.authorize', order.id);
    reply('payment.declined', { orderId: order.id, paymentId: null, reason: 'CARD_DECLINED' }, reserve.correlationId);
    await statusOf(shopper.token, order.id, 'CANCELLED');
    expect((await readOrder(shopper.token, order.id))?.cancellationReason).toBe('PAYMENT_DECLINED');
    await command('inventory.release', order.id);
    expect((await command('order.cancelled', order.id)).payload.reason).toBe('PAYMENT_DECLINED');
  });

  it('a step nobody answers times out: the order is cancelled and both compensations go out', async () => {
    const shopper = await customer();
    const cartId = randomUUID();
    carts.set(cartId, { id: cartId, customerId: shopper.userId, currency: 'EUR', lines: [{ variantId: variant(vendorB, 700), quantity: 3 }] });
    const order = (await placeOrder(shopper.token, cartId)).placeOrder.order!;
    await command('inventory.reserve', order.id);
    await statusOf(shopper.token, order.id, 'CANCELLED');
    expect((await readOrder(shopper.token, order.id))?.cancellationReason).toBe('TIMED_OUT');
    await command('inventory.release', order.id);
    await command('payments.cancel', order.id);
  });

  it('the same placeOrder sent twice at once with one key makes one order; another customer cannot read it', async () => {
    const shopper = await customer();
    const cartId = randomUUID();
    carts.set(cartId, { id: cartId, customerId: shopper.userId, currency: 'EUR', lines: [{ variantId: variant(vendorA, 250), quantity: 4 }] });
    const key = randomUUID();
    const [one, two] = await Promise.all([placeOrder(shopper.token, cartId, key), placeOrder(shopper.token, cartId, key)]);
    expect(one.placeOrder.order?.id).toBeDefined();
    expect(two.placeOrder.order?.id).toBe(one.placeOrder.order?.id);
    const stranger = await customer();
    expect(await readOrder(stranger.token, one.placeOrder.order!.id)).toBeNull();
    const refused = await placeOrder(stranger.token, cartId);
    expect(refused.placeOrder).toEqual({ order: null, userErrors: [{ code: 'ORDER_CART_NOT_FOUND' }] });
  });
});
