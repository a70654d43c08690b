import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { deleteTestTopology } from '../../platform/messaging/testing/topology-cleanup.ts';
import { topologyNames } from '../../platform/messaging/topology.ts';
import { createTestGatewaySigning } from '../../platform/testing/gateway-signing.ts';
import { testDatabaseUrl, testEnv, testMessagingPrefix, testRedisPrefix } from '../../test/support/test-env.ts';
import { waitFor } from '../../test/support/wait.ts';
import { startPaymentsSubgraph } from './app.ts';
import { PAYMENTS_SAGA_CONSUMER } from './application/saga.handlers.ts';
import { loadPaymentsConfig } from './config.ts';
import { createPaymentsDatabase, type PaymentsDatabase } from './infra/prisma.ts';
import { createSimulatedCardNetwork, type ProviderEvent, type SimulatedCardNetwork } from './infra/simulated-card-network.ts';
import { WEBHOOK_SIGNATURE_HEADER } from './infra/webhook-signature.ts';

/**
 * The payments process as deployed: the saga's commands over RabbitMQ answered through the outbox
 * relay, and the provider webhook on the public listener (signature, age, replay).
 */

const run = randomUUID().slice(0, 8);
const secret = `spec-webhook-secret-${randomUUID()}`;
const messagingPrefix = testMessagingPrefix('payments-app');
const signing = createTestGatewaySigning();
let payments: RunningSubgraph;
let db: PaymentsDatabase;
let network: SimulatedCardNetwork;
let amqp: ChannelModel;
let channel: Channel;
const replies: { type: string; payload: Record<string, unknown>; correlationId: string }[] = [];

beforeAll(async () => {
  payments = await startPaymentsSubgraph(
    loadPaymentsConfig({
      ...signing.env,
      PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: testDatabaseUrl('payments'),
      REDIS_URL: testEnv.REDIS_URL,
      REDIS_KEY_PREFIX: testRedisPrefix(`payments-app-${run}`),
      RABBITMQ_URL: testEnv.RABBITMQ_URL,
      MESSAGING_PREFIX: messagingPrefix,
      OUTBOX_POLL_MS: '100',
      PAYMENT_WEBHOOK_SECRET: secret,
    }),
    createLogger({ service: 'payments-app-spec', level: 'silent', pretty: false }),
  );
  db = createPaymentsDatabase(testDatabaseUrl('payments'), 2);
  // The network's side of the webhook: the same simulated network, as the outside world would sign.
  network = createSimulatedCardNetwork(db, { slowMs: 0 });
  amqp = await connect(testEnv.RABBITMQ_URL);
  channel = await amqp.createChannel();
  const { events } = topologyNames(messagingPrefix);
  await channel.assertExchange(events, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, events, 'payment.*');
  await channel.consume(queue, (message) => {
    if (message) replies.push(JSON.parse(message.content.toString('utf8')) as (typeof replies)[number]);
  }, { noAck: true });
});

afterAll(async () => {
  await amqp?.close();
  await payments?.close();
  await network?.close();
  await db?.$disconnect();
  await deleteTestTopology(testEnv.RABBITMQ_URL, messagingPrefix, [PAYMENTS_SAGA_CONSUMER]);
});

function send(type: string, payload: Record<string, unknown>, correlationId = `spec-${randomUUID()}`) {
  const id = randomUUID();
  const envelope = { id, type, version: 1, occurredAt: new Date().toISOString(), correlationId, payload };
  channel.publish(topologyNames(messagingPrefix).events, type, Buffer.from(JSON.stringify(envelope)), { messageId: id, persistent: true, contentType: 'application/json' });
  return correlationId;
}

const replyFor = (orderId: string, type: string) => waitFor(`${type} for ${orderId}`, () => replies.find((reply) => reply.type === type && reply.payload.orderId === orderId));

function authorizeCommand(token = 'tok_success') {
  return {
    orderId: randomUUID(),
    orderNumber: `APP-${run}`,
    customerId: randomUUID(),
    amount: { amount: 5_000, currency: 'EUR' },
    paymentMethodToken: token,
    vendorShares: [{ vendorOrderId: randomUUID(), vendorId: randomUUID(), amount: { amount: 5_000, currency: 'EUR' } }],
  };
}

describe('the saga over RabbitMQ', () => {
  it('payments.authorize → payment.authorized, payments.capture → payment.captured, with the command’s correlation id', async () => {
    const command = authorizeCommand();
    const correlationId = send('payments.authorize', command);
    const authorized = await replyFor(command.orderId, 'payment.authorized');
    expect(authorized).toMatchObject({ correlationId, payload: { amount: { amount: 5_000, currency: 'EUR' } } });
    send('payments.capture', { orderId: command.orderId });
    expect(await replyFor(command.orderId, 'payment.captured')).toMatchObject({ payload: { paymentId: authorized.payload.paymentId } });
  });

  it('a declined card answers payment.declined; a cancel then has nothing to cancel', async () => {
    const command = authorizeCommand('tok_decline');
    send('payments.authorize', command);
    expect(await replyFor(command.orderId, 'payment.declined')).toMatchObject({ payload: { reason: 'CARD_DECLINED' } });
    send('payments.cancel', { orderId: command.orderId, reason: 'declined' });
    expect(await replyFor(command.orderId, 'payment.cancelled')).toMatchObject({ payload: { outcome: 'NOTHING_TO_CANCEL' } });
  });
});

describe('POST /webhooks/provider', () => {
  const url = () => `${payments.url}/webhooks/provider`;
  const post = (body: string, headers: Record<string, string>) => fetch(url(), { method: 'POST', headers, body });

  async function capturedOrder() {
    const command = authorizeCommand();
    send('payments.authorize', command);
    await replyFor(command.orderId, 'payment.authorized');
    send('payments.capture', { orderId: command.orderId });
    await replyFor(command.orderId, 'payment.captured');
    return command;
  }

  const paymentOf = async (orderId: string) =>
    (await db.$queryRaw<{ status: string; refunded: number }[]>`SELECT status::text, refunded_amount AS refunded FROM payments WHERE order_id = ${orderId}::uuid`)[0];

  it('a signed charge.refunded is applied once: ledger reversed, payment.refunded sent; the same event again is 409 and changes nothing', async () => {
    const command = await capturedOrder();
    const event = await network.refundOutside(command.orderId, 1_500);
    const request = network.signedWebhook(event, secret);
    const first = await post(request.body, request.headers);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, outcome: 'applied' });
    expect(await paymentOf(command.orderId)).toEqual({ status: 'PARTIALLY_REFUNDED', refunded: 1_500 });
    expect(await replyFor(command.orderId, 'payment.refunded')).toMatchObject({ payload: { refundId: event.data.refundId, amount: { amount: 1_500 } } });

    const replay = await post(request.body, request.headers);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toEqual({ code: 'PAYMENT_WEBHOOK_REPLAYED' });
    // Re-signed now, the same event id is still a replay.
    const resigned = network.signedWebhook(event, secret);
    expect((await post(resigned.body, resigned.headers)).status).toBe(409);
    expect(await paymentOf(command.orderId)).toEqual({ status: 'PARTIALLY_REFUNDED', refunded: 1_500 });
  });

  it.each([
    { case: 'no signature', sign: (): Record<string, string> => ({}), code: 'PAYMENT_WEBHOOK_SIGNATURE_MISSING' },
    { case: 'another secret', sign: (event: ProviderEvent) => network.signedWebhook(event, `${secret}-not`).headers, code: 'PAYMENT_WEBHOOK_SIGNATURE_INVALID' },
    // Signed over a body that said 1 cent: the body sent says 700.
    { case: 'a tampered body', sign: (event: ProviderEvent) => network.signedWebhook({ ...event, data: { ...event.data, amount: 1 } }, secret).headers, code: 'PAYMENT_WEBHOOK_SIGNATURE_INVALID' },
    { case: 'a signature 6 minutes old', sign: (event: ProviderEvent) => network.signedWebhook(event, secret, Math.floor(Date.now() / 1000) - 360).headers, code: 'PAYMENT_WEBHOOK_TIMESTAMP_OUT_OF_RANGE' },
  ])('$case is 401 $code and changes nothing', async ({ sign, code }) => {
    const command = await capturedOrder();
    const event = await network.refundOutside(command.orderId, 700);
    const response = await post(JSON.stringify(event), { 'content-type': 'application/json', ...sign(event) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code });
    expect(await paymentOf(command.orderId)).toEqual({ status: 'CAPTURED', refunded: 0 });
    const seen = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM webhook_events WHERE id = ${event.id}`;
    expect(seen[0]?.n).toBe(0);
  });

  it('authorization.expired voids an authorized payment; the capture then fails AUTHORIZATION_EXPIRED', async () => {
    const command = authorizeCommand();
    send('payments.authorize', command);
    await replyFor(command.orderId, 'payment.authorized');
    const request = network.signedWebhook(await network.expireAuthorization(command.orderId), secret);
    expect((await post(request.body, request.headers)).status).toBe(200);
    expect(await paymentOf(command.orderId)).toEqual({ status: 'VOIDED', refunded: 0 });
    send('payments.capture', { orderId: command.orderId });
    expect(await replyFor(command.orderId, 'payment.capture_failed')).toMatchObject({ payload: { reason: 'AUTHORIZATION_EXPIRED' } });
  });

  it('/graphql still refuses a request without the gateway signature', async () => {
    const response = await fetch(payments.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(response.status).toBe(401);
    expect(WEBHOOK_SIGNATURE_HEADER).toBe('x-provider-signature');
  });
});
