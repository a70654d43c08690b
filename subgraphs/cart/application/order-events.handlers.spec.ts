import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../contracts/envelope.ts';
import { orderConfirmedV1, type PayloadOf } from '../../../contracts/index.ts';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { createCartHarness, type CartHarness } from '../testing/harness.ts';
import { createCheckoutCartRead } from './checkout-read.ts';
import { orderEventHandlers } from './order-events.handlers.ts';

let h: CartHarness;
beforeAll(() => {
  h = createCartHarness({ scope: 'order-events' });
});
afterAll(async () => {
  await h?.close();
});

const money = (amount: number) => ({ amount, currency: 'EUR' });

function confirmed(cartId: string | null, customerId: string, variantIds: string[], occurredAt = new Date()): Envelope<PayloadOf<typeof orderConfirmedV1>> {
  const payload = orderConfirmedV1.payload.parse({
    orderId: randomUUID(),
    orderNumber: 'SH-2026-000001',
    customerId,
    cartId,
    subtotal: money(100),
    shipping: money(0),
    tax: money(0),
    total: money(100),
    vendorOrders: [
      {
        vendorOrderId: randomUUID(),
        vendorId: randomUUID(),
        number: 'SH-2026-000001-1',
        lines: variantIds.map((variantId) => ({ variantId, sku: 'SKU', name: 'Thing', quantity: 1, unitPrice: money(100), lineTotal: money(100) })),
        subtotal: money(100),
        shipping: money(0),
        total: money(100),
      },
    ],
  });
  return { id: randomUUID(), type: orderConfirmedV1.type, version: orderConfirmedV1.version, occurredAt: occurredAt.toISOString(), correlationId: 'spec', payload };
}

async function deliver(message: Envelope) {
  const [handler] = orderEventHandlers({ carts: h.deps.carts, logger: h.logger });
  await h.db.$transaction((tx) => handler!.handle(message, tx));
}

async function cartWith(me: Viewer, count: number) {
  const variants = Array.from({ length: count }, () => h.owners.variant());
  let cartId = '';
  for (const variant of variants) {
    const added = await h.services.carts.addLine(h.scope(me), { variantId: variant.id, quantity: 2 });
    if (!added.ok) throw new Error('add failed');
    cartId = added.value.cart.id;
  }
  return { cartId, variants };
}

const lineIds = async (cartId: string) => (await h.storedLines({ cartId })).map((line) => line.variantId);

describe('order.confirmed (consumer cart.orders)', () => {
  it('removes the ordered lines from the cart and keeps the others; the cart forgets its currency once empty', async () => {
    const me = h.customer();
    const { cartId, variants } = await cartWith(me, 3);
    const [a, b, c] = variants.map((variant) => variant.id) as [string, string, string];
    await deliver(confirmed(cartId, me.userId, [a, b]));
    expect(await lineIds(cartId)).toEqual([c]);
    expect((await h.storedCart(cartId))?.currency).toBe('EUR');
    await deliver(confirmed(cartId, me.userId, [c]));
    expect(await lineIds(cartId)).toEqual([]);
    expect((await h.storedCart(cartId))?.currency).toBeNull();
  });

  it('is idempotent: the same confirmation again removes nothing more', async () => {
    const me = h.customer();
    const { cartId, variants } = await cartWith(me, 2);
    const message = confirmed(cartId, me.userId, [variants[0]!.id]);
    await deliver(message);
    await deliver(message);
    expect(await lineIds(cartId)).toEqual([variants[1]!.id]);
  });

  it('keeps a line the shopper set again after the order was confirmed (a late or redelivered event)', async () => {
    const me = h.customer();
    const { cartId, variants } = await cartWith(me, 1);
    const confirmedAt = new Date(Date.now() - 60_000);
    await deliver(confirmed(cartId, me.userId, [variants[0]!.id], confirmedAt));
    expect(await lineIds(cartId)).toEqual([variants[0]!.id]);
    expect((await h.storedCart(cartId))?.currency).toBe('EUR');
  });

  it('confirmations handled in one transaction (an inbox batch) go as one statement, each as if alone', async () => {
    const me = h.customer();
    const other = h.customer();
    const mine = await cartWith(me, 3);
    const theirs = await cartWith(other, 1);
    const [a, b, c] = mine.variants.map((variant) => variant.id) as [string, string, string];
    const messages = [confirmed(mine.cartId, me.userId, [a, b]), confirmed(theirs.cartId, other.userId, [theirs.variants[0]!.id])];
    // The first again under a new message id, in the same batch.
    messages.push({ ...messages[0]!, id: randomUUID() });
    const [handler] = orderEventHandlers({ carts: h.deps.carts, logger: h.logger });
    const statements: string[] = [];
    await h.db.$transaction((tx) => {
      const counted: typeof tx = {
        ...tx,
        $queryRaw: (query, ...values) => (statements.push('query'), tx.$queryRaw(query, ...values)),
        $executeRaw: (query, ...values) => (statements.push('execute'), tx.$executeRaw(query, ...values)),
      };
      return Promise.all(messages.map((message) => handler!.handle(message, counted)));
    });
    expect(statements, 'one statement for the batch').toEqual(['query']);
    expect(await lineIds(mine.cartId)).toEqual([c]);
    expect((await h.storedCart(mine.cartId))?.currency).toBe('EUR');
    expect(await lineIds(theirs.cartId)).toEqual([]);
    expect((await h.storedCart(theirs.cartId))?.currency).toBeNull();
  });

  it('changes nothing for an order without a cart or for an unknown cart', async () => {
    const me = h.customer();
    const { cartId, variants } = await cartWith(me, 1);
    await deliver(confirmed(null, me.userId, [variants[0]!.id]));
    await deliver(confirmed(randomUUID(), me.userId, [variants[0]!.id]));
    expect(await lineIds(cartId)).toEqual([variants[0]!.id]);
  });
});

describe('checkout read (POST /internal/carts/checkout)', () => {
  const read = () => createCheckoutCartRead({ carts: h.deps.carts });

  it('answers the cart’s lines when it is the customer’s, and null for another customer, an unknown cart or a guest cart', async () => {
    const me = h.customer();
    const { cartId, variants } = await cartWith(me, 2);
    expect(await read().read({ cartId, customerId: me.userId })).toEqual({
      cart: { id: cartId, customerId: me.userId, currency: 'EUR', lines: variants.map((variant) => ({ variantId: variant.id, quantity: 2 })) },
    });
    expect(await read().read({ cartId, customerId: h.customer().userId })).toEqual({ cart: null });
    expect(await read().read({ cartId: randomUUID(), customerId: me.userId })).toEqual({ cart: null });
    const guest = await h.services.carts.addLine(h.scope(), { variantId: variants[0]!.id, quantity: 1 });
    if (!guest.ok) throw new Error('guest add failed');
    expect(await read().read({ cartId: guest.value.cart.id, customerId: me.userId })).toEqual({ cart: null });
  });
});
