import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../contracts/envelope.ts';
import type { MessageHandler } from '../../../platform/messaging/inbox-consumer.ts';
import { createNotificationsHarness, type NotificationsHarness } from '../testing/harness.ts';
import { sampleCancelledOrder, sampleConfirmedOrder, sampleShipment } from '../testing/sample-orders.ts';
import { orderEventHandlers } from './order-events.handlers.ts';

let harness: NotificationsHarness;
let handlers: Map<string, MessageHandler>;
let nudges: number;

const envelope = <T>(type: string, payload: T): Envelope<T> => ({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), correlationId: `spec-${randomUUID()}`, payload });

async function handle(message: Envelope<unknown>) {
  const handler = handlers.get(message.type)!;
  await harness.inTransaction((tx) => handler.handle(message, tx));
  await handler.afterCommit?.(message);
}

beforeAll(() => {
  harness = createNotificationsHarness({ scope: 'handlers' });
  handlers = new Map(orderEventHandlers({ emails: harness.emails, nudge: () => (nudges += 1), logger: harness.logger }).map((handler) => [handler.contract.type, handler]));
});

afterAll(async () => {
  await harness.close();
});

beforeEach(async () => {
  await harness.reset();
  nudges = 0;
});

describe('order event handlers', () => {
  const customerId = randomUUID();
  const [a, b] = [randomUUID(), randomUUID()];

  it('order.confirmed records one email for the customer and one per store, pending, and nudges the sender', async () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds: [a, b] });
    const message = envelope('order.confirmed', order);
    await handle(message);
    const rows = await harness.stored({ orderId: order.orderId });
    expect(rows.map((row) => [row.template, row.recipientKind, row.recipientId, row.status, row.sourceMessageId])).toEqual(
      expect.arrayContaining([
        ['ORDER_CONFIRMED', 'CUSTOMER', customerId, 'PENDING', message.id],
        ['NEW_VENDOR_ORDER', 'VENDOR', a, 'PENDING', message.id],
        ['NEW_VENDOR_ORDER', 'VENDOR', b, 'PENDING', message.id],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(nudges).toBe(1);
  });

  it('the same message handled again owes nothing more (the unique key, even past the inbox)', async () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds: [a] });
    const message = envelope('order.confirmed', order);
    await handle(message);
    await handle(message);
    expect(await harness.stored({ orderId: order.orderId })).toHaveLength(2);
  });

  it('order.cancelled and vendor_order.shipped owe the customer one email each', async () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds: [a] });
    await handle(envelope('vendor_order.shipped', sampleShipment(order)));
    await handle(envelope('order.cancelled', sampleCancelledOrder(order, 'CANCELLED_BY_CUSTOMER')));
    const rows = await harness.stored({ orderId: order.orderId });
    expect(rows.map((row) => [row.template, row.recipientKind, row.recipientId])).toEqual([
      ['VENDOR_ORDER_SHIPPED', 'CUSTOMER', customerId],
      ['ORDER_CANCELLED', 'CUSTOMER', customerId],
    ]);
  });

  it('a confirmation that arrives after the order’s cancellation (reordered) owes nothing', async () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds: [a] });
    await handle(envelope('order.cancelled', sampleCancelledOrder(order, 'TIMED_OUT')));
    await handle(envelope('order.confirmed', order));
    expect((await harness.stored({ orderId: order.orderId })).map((row) => row.template)).toEqual(['ORDER_CANCELLED']);
  });
});
