import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { emailsForOrderCancelled, emailsForOrderConfirmed } from '../domain/email.ts';
import { createNotificationsHarness, type NotificationsHarness } from '../testing/harness.ts';
import { sampleCancelledOrder, sampleConfirmedOrder } from '../testing/sample-orders.ts';
import { createEmailRepository } from './email.repository.ts';

let harness: NotificationsHarness;

beforeAll(() => {
  harness = createNotificationsHarness({ scope: 'repository' });
});

afterAll(async () => {
  await harness.close();
});

beforeEach(async () => {
  await harness.reset();
});

/** The client with a count of the statements sent through it. */
function counting<T extends SqlClient>(client: T): { client: T; statements: () => number } {
  let statements = 0;
  const count = <R>(result: R) => ((statements += 1), result);
  return {
    client: {
      ...client,
      $queryRaw: (query, ...values) => count(client.$queryRaw(query, ...values)),
      $executeRaw: (query, ...values) => count(client.$executeRaw(query, ...values)),
      $queryRawUnsafe: (query, ...values) => count(client.$queryRawUnsafe(query, ...values)),
      $executeRawUnsafe: (query, ...values) => count(client.$executeRawUnsafe(query, ...values)),
    },
    statements: () => statements,
  };
}

const source = (messageId: string, type = 'order.confirmed') => ({ messageId, type, correlationId: 'spec' });

describe('email repository', () => {
  const customerId = randomUUID();
  const vendorIds = [randomUUID(), randomUUID()];

  it('insertOwed: an order’s emails in one statement that also checks for a cancellation; a redelivery adds none', async () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds });
    const messageId = randomUUID();
    const owe = async () =>
      harness.inTransaction(async (tx) => {
        const counted = counting(tx);
        const result = await harness.emails.insertOwed(counted.client, source(messageId), emailsForOrderConfirmed(order), { unlessOrderCancelled: order.orderId });
        return { ...result, statements: counted.statements() };
      });

    expect(await owe()).toEqual({ inserted: 3, orderCancelled: false, statements: 1 });
    expect(await owe()).toEqual({ inserted: 0, orderCancelled: false, statements: 1 });
    const rows = await harness.stored({ orderId: order.orderId });
    expect(rows.map((row) => [row.template, row.recipientId, row.status, row.attempts]).sort()).toEqual(
      [
        ['ORDER_CONFIRMED', customerId, 'PENDING', 0],
        ['NEW_VENDOR_ORDER', vendorIds[0], 'PENDING', 0],
        ['NEW_VENDOR_ORDER', vendorIds[1], 'PENDING', 0],
      ].sort(),
    );
    const [stored] = await harness.db.$queryRaw<{ data: unknown }[]>`SELECT data FROM email WHERE order_id = ${order.orderId}::uuid AND recipient_kind = 'CUSTOMER'`;
    expect(stored?.data).toEqual(order);
  });

  it('insertOwed unlessOrderCancelled: after the order’s cancellation nothing is recorded, and it says why', async () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds });
    await harness.inTransaction((tx) => harness.emails.insertOwed(tx, source(randomUUID(), 'order.cancelled'), emailsForOrderCancelled(sampleCancelledOrder(order))));
    const late = await harness.inTransaction((tx) =>
      harness.emails.insertOwed(tx, source(randomUUID()), emailsForOrderConfirmed(order), { unlessOrderCancelled: order.orderId }),
    );
    expect(late).toEqual({ inserted: 0, orderCancelled: true });
    expect((await harness.stored({ orderId: order.orderId })).map((row) => row.template)).toEqual(['ORDER_CANCELLED']);
  });

  it('insertOwed of one batch (one transaction, one tick) is one statement, each message answered as with a statement of its own', async () => {
    const cancelledFirst = sampleConfirmedOrder({ customerId, vendorIds });
    const confirmedFirst = sampleConfirmedOrder({ customerId, vendorIds });
    const { answers, statements } = await harness.inTransaction(async (tx) => {
      const counted = counting(tx);
      const owe = (order: typeof cancelledFirst, type: 'order.confirmed' | 'order.cancelled') =>
        type === 'order.confirmed'
          ? harness.emails.insertOwed(counted.client, source(randomUUID()), emailsForOrderConfirmed(order), { unlessOrderCancelled: order.orderId })
          : harness.emails.insertOwed(counted.client, source(randomUUID(), type), emailsForOrderCancelled(sampleCancelledOrder(order)));
      const all = await Promise.all([
        owe(cancelledFirst, 'order.cancelled'),
        owe(cancelledFirst, 'order.confirmed'),
        owe(confirmedFirst, 'order.confirmed'),
        owe(confirmedFirst, 'order.cancelled'),
      ]);
      return { answers: all, statements: counted.statements() };
    });
    expect(statements).toBe(1);
    // A cancellation ahead of the confirmation in the batch is seen; one behind it is not.
    expect(answers.map((answer) => answer.orderCancelled)).toEqual([false, true, false, false]);
    expect(answers[1]?.inserted).toBe(0);
    expect(answers[2]?.inserted).toBe(3);
    expect((await harness.stored({ orderId: cancelledFirst.orderId })).map((row) => row.template)).toEqual(['ORDER_CANCELLED']);
    expect((await harness.stored({ orderId: confirmedFirst.orderId })).map((row) => row.template).sort()).toEqual(['NEW_VENDOR_ORDER', 'NEW_VENDOR_ORDER', 'ORDER_CANCELLED', 'ORDER_CONFIRMED']);
  });

  it('recordOutcomes: one statement marks each row as its outcome says, and leaves rows already final alone', async () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds });
    await harness.owe({ messageId: randomUUID() }, emailsForOrderConfirmed(order));
    const other = sampleConfirmedOrder({ customerId, vendorIds: [] });
    await harness.owe({ messageId: randomUUID() }, emailsForOrderConfirmed(other));
    const claimed = await harness.emails.claimDue(10, 60_000);
    expect(claimed).toHaveLength(4);
    const id = (recipientId: string, orderId = order.orderId) => claimed.find((email) => email.recipientId === recipientId && email.orderId === orderId)?.id ?? '';
    const [refused, unknown] = vendorIds as [string, string];
    // Already SENT by an earlier batch: a stale outcome must not move it.
    await harness.db.$executeRaw`UPDATE email SET status = 'SENT', to_address = 'first@example.com' WHERE id = ${id(customerId, other.orderId)}::uuid`;

    const counted = counting(harness.db);
    await createEmailRepository(counted.client).recordOutcomes([
      { id: id(customerId), status: 'SENT', toAddress: 'ada@example.com' },
      { id: id(refused), status: 'FAILED', error: 'EENVELOPE 550:\n mailbox unknown' },
      { id: id(unknown), status: 'PENDING', retryInMs: 30_000, error: 'ECONNECTION: down' },
      { id: id(customerId, other.orderId), status: 'FAILED', error: 'stale' },
    ]);

    expect(counted.statements()).toBe(1);
    const rows = await harness.db.$queryRaw<{ id: string; status: string; to_address: string | null; last_error: string | null; sent: boolean; retry_in_s: number }[]>`
      SELECT id::text, status::text, to_address, last_error, sent_at IS NOT NULL AS sent,
             round(extract(epoch FROM next_attempt_at - now()))::int AS retry_in_s
      FROM email`;
    const row = (emailId: string) => rows.find((candidate) => candidate.id === emailId);
    expect(row(id(customerId))).toMatchObject({ status: 'SENT', to_address: 'ada@example.com', last_error: null, sent: true });
    expect(row(id(refused))).toMatchObject({ status: 'FAILED', to_address: null, last_error: 'EENVELOPE 550: mailbox unknown', sent: false });
    expect(row(id(unknown))).toMatchObject({ status: 'PENDING', to_address: null, last_error: 'ECONNECTION: down', sent: false, retry_in_s: 30 });
    expect(row(id(customerId, other.orderId))).toMatchObject({ status: 'SENT', to_address: 'first@example.com', last_error: null });
  });

  it('deleteSettledBefore: sent and failed emails written before the cutoff go, oldest first, in bounded batches; pending ones stay however old', async () => {
    const order = sampleConfirmedOrder({ customerId, vendorIds });
    await harness.owe({ messageId: randomUUID() }, emailsForOrderConfirmed(order));
    const fresh = sampleConfirmedOrder({ customerId, vendorIds: [] });
    await harness.owe({ messageId: randomUUID() }, emailsForOrderConfirmed(fresh));
    const [sent, failed, pending] = [customerId, ...vendorIds] as [string, string, string];
    const old = new Date(Date.now() - 800 * 3_600_000);
    await harness.db.$executeRaw`
      UPDATE email SET created_at = ${old},
        status = (CASE recipient_id WHEN ${sent}::uuid THEN 'SENT' WHEN ${failed}::uuid THEN 'FAILED' ELSE 'PENDING' END)::email_status
      WHERE order_id = ${order.orderId}::uuid`;
    await harness.db.$executeRaw`UPDATE email SET status = 'SENT' WHERE order_id = ${fresh.orderId}::uuid`;

    const cutoff = new Date(Date.now() - 720 * 3_600_000);
    expect(await harness.emails.deleteSettledBefore(cutoff, 1)).toBe(1);
    expect(await harness.emails.deleteSettledBefore(cutoff, 1)).toBe(1);
    expect(await harness.emails.deleteSettledBefore(cutoff, 1)).toBe(0);
    const left = await harness.stored();
    expect(left.map((row) => [row.recipientId, row.status]).sort()).toEqual(
      [
        [pending, 'PENDING'],
        [customerId, 'SENT'],
      ].sort(),
    );
    expect(left.find((row) => row.status === 'SENT')?.id).toBe((await harness.stored({ orderId: fresh.orderId }))[0]?.id);
  });
});
