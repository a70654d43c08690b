import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderConfirmedV1, type Envelope, type PayloadOf } from '../../contracts/index.ts';
import type { RunningWorker } from '../../platform/lifecycle/worker-definition.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { topologyNames } from '../../platform/messaging/topology.ts';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { startSmtpSink, type SmtpSink } from '../../scripts/lib/smtp-sink.ts';
import { ORDER_EVENTS_CONSUMER } from '../../workers/notifications/application/order-events.handlers.ts';
import { sampleConfirmedOrder } from '../../workers/notifications/testing/sample-orders.ts';
import { loadWorker } from '../../workers/registry.ts';
import { signed } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl, testEnv } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Issue 9 point 6: the notifications worker, a process of its own beside the platform, on the
 * platform's bus. An order.confirmed for a real customer and a real (approved) store → both
 * emails in the SMTP sink, addressed as the users subgraph knows them (read over its signed
 * internal route); the same message redelivered → still one email each; the worker stopped
 * while an order is confirmed → its emails arrive once it is back, once.
 */
const run = randomUUID().slice(0, 8);
let platform: TestPlatform;
let sink: SmtpSink;
let worker: RunningWorker | null = null;
let broker: ChannelModel;
let channel: ConfirmChannel;
let db: pg.Client;
let customer: { id: string; email: string };
let vendor: { id: string; ownerEmail: string; name: string };

type OrderConfirmed = PayloadOf<typeof orderConfirmedV1>;

async function bootWorker(): Promise<RunningWorker> {
  const definition = await loadWorker('notifications');
  return definition.boot(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      INTERNAL_PORT: '0',
      DATABASE_URL: testDatabaseUrl('notifications'),
      RABBITMQ_URL: testEnv.RABBITMQ_URL,
      MESSAGING_PREFIX: platform.messagingPrefix,
      USERS_INTERNAL_URL: platform.subgraphs.users.internalUrl,
      ...platform.signing.env,
      SMTP_PORT: String(sink.smtpPort),
      SENDER_POLL_MS: '50',
      SENDER_RETRY_BASE_MS: '50',
      SENDER_RETRY_MAX_MS: '500',
    },
    createLogger({ service: 'notifications', level: testEnv.TEST_LOG_LEVEL, pretty: false }),
  );
}

async function publish(message: Envelope<OrderConfirmed>): Promise<void> {
  channel.publish(topologyNames(platform.messagingPrefix).events, message.type, Buffer.from(JSON.stringify(message)), {
    persistent: true,
    messageId: message.id,
    type: message.type,
    contentType: 'application/json',
  });
  await channel.waitForConfirms();
}

const confirmed = (order: OrderConfirmed): Envelope<OrderConfirmed> => ({
  id: randomUUID(),
  type: orderConfirmedV1.type,
  version: orderConfirmedV1.version,
  occurredAt: new Date().toISOString(),
  correlationId: `e2e-notifications-${run}`,
  payload: order,
});

const mailsFor = (order: OrderConfirmed) => sink.messages().filter((message) => message.subject.includes(order.orderNumber));
const queue = () => topologyNames(platform.messagingPrefix).consumerQueue(ORDER_EVENTS_CONSUMER);
const emailRows = async (order: OrderConfirmed) =>
  (await db.query<{ status: string; recipient_kind: string }>('SELECT status, recipient_kind FROM email WHERE order_id = $1', [order.orderId])).rows;

beforeAll(async () => {
  platform = await bootPlatform();
  sink = await startSmtpSink({ smtpPort: 0, httpPort: null });
  db = new pg.Client(poolConfigFromUrl(testDatabaseUrl('notifications')));
  await db.connect();
  broker = await connect(testEnv.RABBITMQ_URL);
  channel = await broker.createConfirmChannel();

  const signUp = (email: string, name: string) =>
    platform.gateway.data<{ signUp: { user: { id: string }; accessToken: string } }>(
      `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken } }`,
      { input: { email, password: `Correct-Horse-${run}-Battery`, name } },
    );
  const shopper = await signUp(`shopper-${run}@example.com`, 'Ada Shopper');
  customer = { id: shopper.signUp.user.id, email: `shopper-${run}@example.com` };
  const owner = await signUp(`owner-${run}@example.com`, 'Olga Owner');
  const applied = await platform.gateway.data<{ applyForVendor: { vendor: { id: string } } }>(
    `mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } } }`,
    { input: { name: `Lumen ${run}`, slug: `lumen-${run}` } },
    { token: owner.signUp.accessToken },
  );
  vendor = { id: applied.applyForVendor.vendor.id, ownerEmail: `owner-${run}@example.com`, name: `Lumen ${run}` };
  const approved = await platform.gateway.data<{ approveVendor: { userErrors: { code: string }[] } }>(
    `mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }`,
    { input: { id: vendor.id } },
    { token: await platform.signAccessToken({ role: 'ADMIN' }) },
  );
  expect(approved.approveVendor.userErrors).toEqual([]);
  worker = await bootWorker();
});

afterAll(async () => {
  await worker?.close();
  await channel?.close().catch(() => undefined);
  await broker?.close().catch(() => undefined);
  await db?.end();
  await sink?.close();
  await platform?.close();
});

describe('notifications worker', () => {
  const first = () => sampleConfirmedOrder({ customerId: customer.id, vendorIds: [vendor.id], orderNumber: `SH-E2E-${run}-1` });
  let order: OrderConfirmed;
  let message: Envelope<OrderConfirmed>;

  it('order.confirmed → the customer’s confirmation and the store’s new-order email, at the addresses users holds', async () => {
    order = first();
    message = confirmed(order);
    await publish(message);
    const mails = await waitFor('both emails in the sink', () => (mailsFor(order).length >= 2 ? mailsFor(order) : undefined));
    expect(mails).toHaveLength(2);
    const toCustomer = mails.find((mail) => mail.to.includes(customer.email));
    const toVendor = mails.find((mail) => mail.to.includes(vendor.ownerEmail));
    expect(toCustomer?.subject).toBe(`Your order ${order.orderNumber} is confirmed`);
    expect(toCustomer?.text).toContain('Hello Ada Shopper,');
    expect(toVendor?.subject).toBe(`New order ${order.vendorOrders[0]?.number} for ${vendor.name}`);
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(2);
    await waitFor('both rows marked sent', async () => ((await emailRows(order)).every((row) => row.status === 'SENT') ? true : undefined));
  });

  it('the same message redelivered → still one email each', async () => {
    await publish(message);
    // Stopping the worker waits for the handlers in flight: once the queue is empty and the
    // worker stopped, the duplicate has been handled (skipped), not merely delivered.
    await waitFor('the duplicate taken off the queue', async () => ((await channel.checkQueue(queue())).messageCount === 0 ? true : undefined));
    await worker?.close();
    worker = null;
    expect((await channel.checkQueue(queue())).messageCount).toBe(0);
    expect(await emailRows(order)).toHaveLength(2);
    expect(mailsFor(order)).toHaveLength(2);
  });

  it('worker down while an order is confirmed → the emails arrive after it restarts, once', async () => {
    expect(worker).toBeNull();
    const later = sampleConfirmedOrder({ customerId: customer.id, vendorIds: [vendor.id], orderNumber: `SH-E2E-${run}-2` });
    await publish(confirmed(later));
    // The durable queue holds it while nobody consumes.
    await waitFor('the event waiting in the queue', async () => ((await channel.checkQueue(queue())).messageCount === 1 ? true : undefined));
    expect(mailsFor(later)).toHaveLength(0);
    worker = await bootWorker();
    await waitFor('both emails after the restart', () => (mailsFor(later).length >= 2 ? true : undefined));
    await waitFor('rows marked sent', async () => ((await emailRows(later)).every((row) => row.status === 'SENT') ? true : undefined));
    expect(await emailRows(later)).toHaveLength(2);
    expect(mailsFor(later).map((mail) => mail.to).sort()).toEqual([[customer.email], [vendor.ownerEmail]].sort());
    // The first order's emails were not sent again by the new process.
    expect(mailsFor(order)).toHaveLength(2);
  });

  it('serves health and metrics on its internal listener only', async () => {
    const internal = worker!.internalUrl;
    expect((await fetch(`${internal}/health/live`)).status).toBe(200);
    const ready = await waitFor('ready (postgres and rabbitmq)', async () => {
      const response = await fetch(`${internal}/health/ready`);
      return response.status === 200 ? ((await response.json()) as { checks: { name: string; ok: boolean }[] }) : undefined;
    });
    expect(ready.checks.map((check) => check.name).sort()).toEqual(['postgres', 'rabbitmq']);
    const metrics = await (await fetch(`${internal}/metrics`)).text();
    expect(metrics).toMatch(/notification_emails_sent_total\{[^}]*template="ORDER_CONFIRMED"[^}]*\} [1-9]/);
  });

  it('users’ /internal/contacts answers signed reads only, with names and addresses and nothing more, and bounds the request', async () => {
    const url = `${platform.subgraphs.users.internalUrl}/internal/contacts`;
    const post = (body: unknown, sign = true) => {
      const text = JSON.stringify(body);
      const headers = { 'content-type': 'application/json' };
      return fetch(url, { method: 'POST', headers: sign ? signed(platform.signing.signer, url, headers, text) : headers, body: text });
    };
    const unknown = randomUUID();
    const answer = await post({ userIds: [customer.id, unknown], vendorIds: [vendor.id] });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      users: [{ id: customer.id, email: customer.email, name: 'Ada Shopper' }],
      vendors: [{ id: vendor.id, name: vendor.name, ownerEmail: vendor.ownerEmail }],
    });
    expect((await post({ userIds: [customer.id] }, false)).status).toBe(401);
    expect((await post({ userIds: Array.from({ length: 101 }, () => randomUUID()) })).status).toBe(400);
    expect((await post({ userIds: ['not-a-uuid'] })).status).toBe(400);
    // Only on the internal listener: the public one does not serve it.
    expect((await fetch(url.replace(platform.subgraphs.users.internalUrl, new URL(platform.subgraphs.users.graphqlUrl).origin), { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
