import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Shopper, Store } from '../support/marketplace.ts';
import { expectSettled, startFaultStack, type FaultStack, type PlacedOrder } from '../support/fault-stack.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Issue 9, "Done when" (faults), the message side, services as separate processes: a poison
 * message goes to the dead-letter queue after MESSAGE_DELIVERY_LIMIT tries and, replayed once
 * its cause is gone, is handled (its emails sent once); the notifications worker down during
 * checkout leaves the orders CONFIRMED and, back up, it sends each email exactly once.
 */
let faults: FaultStack;
let store: Store;
let warehouse: string;
const STOCK = 50;
const DELIVERY_LIMIT = 3;

beforeAll(async () => {
  faults = await startFaultStack({
    scope: 'messages',
    processEnv: {
      orders: { SAGA_STEP_TIMEOUT_MS: '30000' },
      notifications: { MESSAGE_DELIVERY_LIMIT: String(DELIVERY_LIMIT) },
    },
  });
  store = await faults.shop.store('Poison');
  warehouse = await faults.shop.warehouse(`MSG-${Date.now().toString(36)}`.toUpperCase());
  // The poison: while a flag names a customer, recording an email for them fails, so the
  // notifications consumer's handling of that order's order.confirmed fails every time.
  await faults.sql(
    'notifications',
    `CREATE TABLE IF NOT EXISTS fault_poison (recipient_id uuid PRIMARY KEY);
     CREATE OR REPLACE FUNCTION fault_poison_email() RETURNS trigger AS $$
     BEGIN
       IF EXISTS (SELECT 1 FROM fault_poison WHERE recipient_id = NEW.recipient_id) THEN
         RAISE EXCEPTION 'injected fault for %', NEW.recipient_id;
       END IF;
       RETURN NEW;
     END $$ LANGUAGE plpgsql;
     DROP TRIGGER IF EXISTS fault_poison_email ON email;
     CREATE TRIGGER fault_poison_email BEFORE INSERT ON email FOR EACH ROW EXECUTE FUNCTION fault_poison_email();`,
  );
}, 300_000);

afterAll(async () => {
  await faults?.close();
}, 60_000);

async function product(label: string): Promise<string> {
  const variantId = await faults.shop.product(store, label, 1_500);
  await faults.shop.receive(store, variantId, warehouse, STOCK);
  return variantId;
}

async function place(shopper: Shopper, variantId: string, quantity = 1): Promise<PlacedOrder> {
  const { cartId } = await faults.shop.addToCart(shopper, variantId, quantity);
  const placed = await faults.shop.placeOrder(shopper, cartId, 'tok_success');
  expect(placed.userErrors).toEqual([]);
  return { id: placed.order!.id, number: placed.order!.number, customerEmail: shopper.email, variantId, quantity };
}

const shoppers = (label: string, count: number) => Promise.all(Array.from({ length: count }, (_, index) => faults.shop.shopper(`${label}${index}`)));

const confirmedNow = async (orders: PlacedOrder[]) =>
  (await faults.sql('orders', `SELECT status::text FROM orders WHERE id = ANY($1::uuid[])`, [orders.map((order) => order.id)])).filter((row) => row.status === 'CONFIRMED').length ===
  orders.length;

describe('checkout message faults, services as separate processes', () => {
  it('a poison message → DLQ after the delivery limit, then replayed: its emails sent once, nothing lost', async () => {
    const variantId = await product('Poison mug');
    const [poisoned, ...others] = await shoppers('psn', 4);
    await faults.sql('notifications', `INSERT INTO fault_poison (recipient_id) VALUES ($1)`, [poisoned!.id]);
    const bad = await place(poisoned!, variantId);
    const good = await Promise.all(others.map((shopper, index) => place(shopper, variantId, 1 + index)));

    const parked = await waitFor('the poisoned order.confirmed parked', async () => {
      const letters = await faults.deadLetters('notifications.orders');
      return letters.length > 0 ? letters : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ type: 'order.confirmed', reason: 'rejected' });
    // Tried exactly the delivery limit times before it was parked.
    const tries = faults.logOf('notifications').filter((line) => line.messageId === parked[0]!.messageId && typeof line.attempt === 'number');
    expect(tries.map((line) => line.attempt)).toEqual(Array.from({ length: DELIVERY_LIMIT }, (_, index) => index + 1));
    // The other orders' mail went meanwhile; none for the poisoned order.
    await waitFor('the other orders’ emails', async () => {
      const mail = await faults.mail();
      return good.every((order) => mail.some((message) => message.subject.includes(order.number) && message.to.includes(order.customerEmail))) ? true : undefined;
    }, { timeoutMs: 20_000 });
    expect((await faults.mail()).filter((message) => message.subject.includes(bad.number))).toEqual([]);
    const [emails] = await faults.sql('notifications', `SELECT COUNT(*)::int AS n FROM email WHERE order_id = $1`, [bad.id]);
    expect(emails!.n).toBe(0);

    // The cause fixed, the operator replays it (what `npm run dlq:replay` does).
    await faults.sql('notifications', `DELETE FROM fault_poison`);
    const replayed = await faults.replay('notifications.orders', [parked[0]!.messageId!]);
    expect(replayed.map((letter) => letter.messageId)).toEqual([parked[0]!.messageId]);

    const orders = [bad, ...good];
    await expectSettled(faults, orders, { initialStock: { [variantId]: STOCK }, mustConfirm: new Set(orders.map((order) => order.id)), storeOwnerEmail: store.ownerEmail });
  }, 120_000);

  it('the notifications worker down during checkout: orders CONFIRMED, each email sent once when it is back', async () => {
    const variantId = await product('Quiet mug');
    const people = await shoppers('quiet', 5);
    await faults.stack.kill('notifications', 'SIGKILL');
    const orders = await Promise.all(people.map((shopper, index) => place(shopper, variantId, 1 + (index % 3))));
    await waitFor('every order CONFIRMED without the worker', () => confirmedNow(orders), { timeoutMs: 30_000, intervalMs: 200 });
    const mail = await faults.mail();
    expect(mail.filter((message) => orders.some((order) => message.subject.includes(order.number)))).toEqual([]);

    await faults.stack.restart('notifications');
    await expectSettled(faults, orders, { initialStock: { [variantId]: STOCK }, mustConfirm: new Set(orders.map((order) => order.id)), storeOwnerEmail: store.ownerEmail });
  }, 120_000);
});
