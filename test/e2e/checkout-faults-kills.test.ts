import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Shopper, Store } from '../support/marketplace.ts';
import { expectSettled, startFaultStack, type FaultStack, type PlacedOrder } from '../support/fault-stack.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Issue 9, "Done when" (faults): the services run as separate processes (scripts/lib/stack.ts);
 * payments, inventory and orders are each killed with SIGKILL mid-saga and restarted, and the
 * broker connection of every process is cut and restored. Each scenario places orders around the
 * fault and ends with every order terminal and nothing lost (expectSettled: stock adds up,
 * captured once for exactly the CONFIRMED orders, every outbox published, every DLQ empty, one
 * email per recipient per confirmed order).
 */
let faults: FaultStack;
let store: Store;
let warehouse: string;
const STOCK = 50;

beforeAll(async () => {
  faults = await startFaultStack({
    scope: 'kills',
    brokerProxy: true,
    // A step waits longer than any restart takes here, so the orders around a fault still confirm.
    processEnv: {
      orders: { SAGA_STEP_TIMEOUT_MS: '40000' },
      // tok_slow answers after 2.5 s: a window in which a payment is mid-authorization.
      payments: { SIMULATED_CARD_SLOW_MS: '2500', PAYMENT_PROVIDER_TIMEOUT_MS: '4000' },
    },
  });
  store = await faults.shop.store('Faulty');
  warehouse = await faults.shop.warehouse(`FLT-${Date.now().toString(36)}`.toUpperCase());
}, 300_000);

// A scenario that failed half-way leaves no process down for the next one.
afterEach(async () => {
  for (const name of ['payments', 'inventory', 'orders']) await faults.stack.restart(name).catch(() => undefined);
  faults.broker?.restore();
}, 120_000);

afterAll(async () => {
  await faults?.close();
}, 60_000);

/** A product of its own per scenario, so its stock adds up on its own. */
async function product(label: string): Promise<string> {
  const variantId = await faults.shop.product(store, label, 2_000);
  await faults.shop.receive(store, variantId, warehouse, STOCK);
  return variantId;
}

interface Ready {
  shopper: Shopper;
  cartId: string;
  variantId: string;
  quantity: number;
}

/** Shoppers with a filled cart (filling one reads inventory's availability, so it is done before a fault). */
async function carts(label: string, count: number, variantId: string): Promise<Ready[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const shopper = await faults.shop.shopper(`${label}${index}`);
      const quantity = 1 + (index % 2);
      const { cartId } = await faults.shop.addToCart(shopper, variantId, quantity);
      return { shopper, cartId, variantId, quantity };
    }),
  );
}

async function checkout(ready: Ready[], card: string): Promise<PlacedOrder[]> {
  return Promise.all(
    ready.map(async ({ shopper, cartId, variantId, quantity }) => {
      const placed = await faults.shop.placeOrder(shopper, cartId, card);
      expect(placed.userErrors).toEqual([]);
      return { id: placed.order!.id, number: placed.order!.number, customerEmail: shopper.email, variantId, quantity };
    }),
  );
}

async function placeMany(label: string, count: number, variantId: string, card: string): Promise<PlacedOrder[]> {
  return checkout(await carts(label, count, variantId), card);
}

const statusesOf = async (orders: PlacedOrder[]) =>
  (await faults.sql('orders', `SELECT status::text FROM orders WHERE id = ANY($1::uuid[])`, [orders.map((order) => order.id)])).map((row) => row.status as string);

const all = (orders: PlacedOrder[]) => new Set(orders.map((order) => order.id));

describe('checkout faults, services as separate processes', () => {
  it('payments SIGKILLed while authorizing, restarted: every order CONFIRMED, captured once', async () => {
    const variantId = await product('Pay lamp');
    const slow = await placeMany('pay', 3, variantId, 'tok_slow');
    // Stock reserved and payment authorization asked for: payments is mid-saga.
    await waitFor('the slow orders waiting on payment', async () => ((await statusesOf(slow)).every((status) => status === 'STOCK_RESERVED') ? true : undefined), { timeoutMs: 20_000 });
    await faults.stack.kill('payments', 'SIGKILL');
    const whileDown = await placeMany('paydown', 2, variantId, 'tok_success');
    expect(await statusesOf(whileDown)).not.toContain('CONFIRMED');
    await faults.stack.restart('payments');
    const orders = [...slow, ...whileDown];
    await expectSettled(faults, orders, { initialStock: { [variantId]: STOCK }, mustConfirm: all(orders), storeOwnerEmail: store.ownerEmail });
  }, 120_000);

  it('inventory SIGKILLed mid-saga, restarted: every order CONFIRMED, stock adds up', async () => {
    const variantId = await product('Inv lamp');
    const filled = await carts('inv', 6, variantId);
    const before = await checkout(filled.slice(0, 3), 'tok_success');
    await faults.stack.kill('inventory', 'SIGKILL');
    const whileDown = await checkout(filled.slice(3), 'tok_success');
    // With inventory gone nobody reserves: the orders placed meanwhile wait, they are not lost.
    expect(await statusesOf(whileDown)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    await faults.stack.restart('inventory');
    const orders = [...before, ...whileDown];
    await expectSettled(faults, orders, { initialStock: { [variantId]: STOCK }, mustConfirm: all(orders), storeOwnerEmail: store.ownerEmail });
  }, 120_000);

  it('orders itself SIGKILLed mid-saga, restarted: the saga resumes, every order CONFIRMED', async () => {
    const variantId = await product('Ord lamp');
    const slow = await placeMany('ord', 3, variantId, 'tok_slow');
    await waitFor('the slow orders waiting on payment', async () => ((await statusesOf(slow)).every((status) => status === 'STOCK_RESERVED') ? true : undefined), { timeoutMs: 20_000 });
    await faults.stack.kill('orders', 'SIGKILL');
    // Payments answers while orders is down: the replies wait in orders' queue.
    await waitFor('payments answering while orders is down', async () => {
      // A command still in orders' outbox at the kill leaves with the restart; those that left are answered now.
      const rows = await faults.sql('payments', `SELECT status::text FROM payments WHERE order_id = ANY($1::uuid[])`, [slow.map((order) => order.id)]);
      return rows.some((row) => row.status === 'AUTHORIZED') && rows.every((row) => row.status !== 'AUTHORIZING') ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    expect(await statusesOf(slow)).toEqual(['STOCK_RESERVED', 'STOCK_RESERVED', 'STOCK_RESERVED']);
    await faults.stack.restart('orders');
    const after = await placeMany('ordup', 2, variantId, 'tok_success');
    const orders = [...slow, ...after];
    await expectSettled(faults, orders, { initialStock: { [variantId]: STOCK }, mustConfirm: all(orders), storeOwnerEmail: store.ownerEmail });
  }, 120_000);

  it('the RabbitMQ connection of every process dropped and restored: every order CONFIRMED, no message lost', async () => {
    const variantId = await product('Bus lamp');
    const slow = await placeMany('bus', 3, variantId, 'tok_slow');
    await waitFor('the slow orders waiting on payment', async () => ((await statusesOf(slow)).every((status) => status === 'STOCK_RESERVED') ? true : undefined), { timeoutMs: 20_000 });
    const filled = await carts('buscut', 3, variantId);
    faults.broker!.cut();
    const whileCut = await checkout(filled, 'tok_success');
    // The messages of the orders placed meanwhile wait in orders' outbox: the cut really cut.
    await waitFor('orders’ outbox holding what it cannot publish', async () => {
      const [row] = await faults.sql('orders', `SELECT COUNT(*)::int AS n FROM outbox_message WHERE published_at IS NULL`);
      return (row!.n as number) >= whileCut.length ? true : undefined;
    });
    expect(await statusesOf(whileCut)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    faults.broker!.restore();
    for (const name of ['users', 'catalog', 'inventory', 'cart', 'payments', 'orders', 'notifications']) await faults.ready(name);
    const orders = [...slow, ...whileCut];
    await expectSettled(faults, orders, { initialStock: { [variantId]: STOCK }, mustConfirm: all(orders), storeOwnerEmail: store.ownerEmail });
  }, 120_000);
});
