import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel } from 'amqplib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyNames } from '../../platform/messaging/topology.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testEnv } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Payments through the one public endpoint: a customer tokenizes a card (its number reaches no log
 * line of any process), the saga's commands authorize and capture the order's payment over
 * RabbitMQ, and then each party sees what is theirs: the customer and the vendors with a share the
 * payment, each vendor its own balance and ledger, admins everything; another vendor is refused.
 */

const CARD = '4242424242424242';
const TOKENIZE = `mutation($input: TokenizeCardInput!) { tokenizeCard(input: $input) { card { token last4 brand } userErrors { code field } } }`;
const PAYMENT = `query($orderId: ID!) { paymentForOrder(orderId: $orderId) { orderId status amount { amount currency formatted } capturedAmount { amount } refundedAmount { amount } cardLast4 cardBrand } }`;
const BALANCE = `query($vendorId: ID) { vendorBalance(vendorId: $vendorId) { vendorId amounts { amount currency } } }`;
const ENTRIES = `query($vendorId: ID) { ledgerEntries(vendorId: $vendorId, first: 10) { totalCount edges { node { kind amount { amount currency } vendorId orderId } } } }`;
const REFUND = `mutation($input: RefundPaymentInput!) { refundPayment(input: $input) { payment { status refundedAmount { amount } } userErrors { code field } } }`;
const CAPTURE = `mutation($input: CapturePaymentInput!) { capturePayment(input: $input) { payment { status } userErrors { code field } } }`;

interface PaymentShape {
  status: string;
  amount: { amount: number; currency: string; formatted: string };
  capturedAmount: { amount: number };
  refundedAmount: { amount: number };
  cardLast4: string | null;
}

const logLines: string[] = [];
let platform: TestPlatform;
let amqp: ChannelModel;
const tokens = { customer: '', admin: '', vendorA: '', vendorB: '', vendorC: '' };
const customerId = randomUUID();
const vendorA = randomUUID();
const vendorB = randomUUID();
const orderId = randomUUID();

async function send(type: string, payload: Record<string, unknown>) {
  const channel = await amqp.createConfirmChannel();
  const id = randomUUID();
  const envelope = { id, type, version: 1, occurredAt: new Date().toISOString(), correlationId: `e2e-${id}`, payload };
  channel.publish(topologyNames(platform.messagingPrefix).events, type, Buffer.from(JSON.stringify(envelope)), { messageId: id, persistent: true });
  await channel.waitForConfirms();
  await channel.close();
}

const paymentAs = (token: string) => platform.gateway.request<{ paymentForOrder: PaymentShape | null }>(PAYMENT, { orderId }, { token });
const codes = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => errors?.map((error) => error.extensions?.code);

beforeAll(async () => {
  // Every process logs everything (trace) into one list: the card number must appear in none of it.
  platform = await bootPlatform({ logger: pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) }) });
  amqp = await connect(testEnv.RABBITMQ_URL);
  tokens.customer = await platform.signAccessToken({ sub: customerId, role: 'CUSTOMER' });
  tokens.admin = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
  tokens.vendorA = await platform.signAccessToken({ sub: randomUUID(), role: 'VENDOR', vid: vendorA });
  tokens.vendorB = await platform.signAccessToken({ sub: randomUUID(), role: 'VENDOR', vid: vendorB });
  tokens.vendorC = await platform.signAccessToken({ sub: randomUUID(), role: 'VENDOR', vid: randomUUID() });
});

afterAll(async () => {
  await amqp?.close();
  await platform?.close();
});

describe('payments through the gateway', () => {
  let token = '';

  it('a customer tokenizes a card: a token and its last four digits, never the number', async () => {
    const data = await platform.gateway.data<{ tokenizeCard: { card: { token: string; last4: string; brand: string }; userErrors: unknown[] } }>(
      TOKENIZE,
      { input: { number: CARD, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '314' } },
      { token: tokens.customer },
    );
    expect(data.tokenizeCard).toMatchObject({ card: { last4: '4242', brand: 'VISA' }, userErrors: [] });
    token = data.tokenizeCard.card.token;
    const bad = await platform.gateway.data<{ tokenizeCard: { card: null; userErrors: { code: string }[] } }>(
      TOKENIZE,
      { input: { number: '4242424242424241', expMonth: 12, expYear: 2099, cvc: '314' } },
      { token: tokens.customer },
    );
    expect(bad.tokenizeCard).toEqual({ card: null, userErrors: [{ code: 'PAYMENT_CARD_INVALID', field: ['input', 'number'] }] });
  });

  it('the saga authorizes and captures the order’s payment; the customer sees it', async () => {
    await send('payments.authorize', {
      orderId,
      orderNumber: 'E2E-PAY-1',
      customerId,
      amount: { amount: 10_000, currency: 'EUR' },
      paymentMethodToken: token,
      vendorShares: [
        { vendorOrderId: randomUUID(), vendorId: vendorA, amount: { amount: 6_000, currency: 'EUR' } },
        { vendorOrderId: randomUUID(), vendorId: vendorB, amount: { amount: 3_000, currency: 'EUR' } },
      ],
    });
    await waitFor('the payment to be authorized', async () => (await paymentAs(tokens.customer)).body.data?.paymentForOrder?.status === 'AUTHORIZED');
    await send('payments.capture', { orderId });
    await waitFor('the payment to be captured', async () => (await paymentAs(tokens.customer)).body.data?.paymentForOrder?.status === 'CAPTURED');
    const seen = await paymentAs(tokens.customer);
    expect(seen.body.data?.paymentForOrder).toEqual({
      orderId,
      status: 'CAPTURED',
      amount: { amount: 10_000, currency: 'EUR', formatted: '€100.00' },
      capturedAmount: { amount: 10_000 },
      refundedAmount: { amount: 0 },
      cardLast4: '4242',
      cardBrand: 'VISA',
    });
    expect(seen.headers.get('cache-control')).toBe('no-store');
  });

  it('each vendor sees its own balance (its share minus 10 %) and ledger; admins any vendor’s', async () => {
    expect((await platform.gateway.data(BALANCE, {}, { token: tokens.vendorA })).vendorBalance).toEqual({ vendorId: vendorA, amounts: [{ amount: 5_400, currency: 'EUR' }] });
    expect((await platform.gateway.data(BALANCE, {}, { token: tokens.vendorB })).vendorBalance).toEqual({ vendorId: vendorB, amounts: [{ amount: 2_700, currency: 'EUR' }] });
    expect((await platform.gateway.data(BALANCE, { vendorId: vendorB }, { token: tokens.admin })).vendorBalance).toEqual({ vendorId: vendorB, amounts: [{ amount: 2_700, currency: 'EUR' }] });
    const entries = await platform.gateway.data<{ ledgerEntries: { totalCount: number; edges: { node: unknown }[] } }>(ENTRIES, {}, { token: tokens.vendorA });
    expect(entries.ledgerEntries).toEqual({ totalCount: 1, edges: [{ node: { kind: 'SALE', amount: { amount: 5_400, currency: 'EUR' }, vendorId: vendorA, orderId } }] });
    expect((await paymentAs(tokens.vendorA)).body.data?.paymentForOrder?.status).toBe('CAPTURED');
  });

  it('another vendor is refused the payment and the others’ balance and ledger, and sees an empty balance of its own', async () => {
    expect(codes((await paymentAs(tokens.vendorC)).body.errors)).toEqual(['FORBIDDEN']);
    expect(codes((await platform.gateway.request(BALANCE, { vendorId: vendorA }, { token: tokens.vendorC })).body.errors)).toEqual(['FORBIDDEN']);
    expect(codes((await platform.gateway.request(ENTRIES, { vendorId: vendorA }, { token: tokens.vendorC })).body.errors)).toEqual(['FORBIDDEN']);
    expect(codes((await platform.gateway.request(BALANCE, { vendorId: vendorA }, { token: tokens.customer })).body.errors)).toEqual(['FORBIDDEN']);
    expect((await platform.gateway.data<{ vendorBalance: { amounts: unknown[] } }>(BALANCE, {}, { token: tokens.vendorC })).vendorBalance.amounts).toEqual([]);
  });

  it('admins refund part of it (ledger reversed pro rata); a refund above the rest and a second capture are typed errors that change nothing', async () => {
    const refund = (amount: number) =>
      platform.gateway.data<{ refundPayment: { payment: { status: string; refundedAmount: { amount: number } } | null; userErrors: { code: string }[] } }>(
        REFUND,
        { input: { orderId, amount: { amount, currency: 'EUR' }, reason: 'one item arrived broken', idempotencyKey: randomUUID() } },
        { token: tokens.admin },
      );
    expect((await refund(1_000)).refundPayment).toEqual({ payment: { status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 1_000 } }, userErrors: [] });
    expect((await refund(9_001)).refundPayment).toEqual({ payment: null, userErrors: [{ code: 'PAYMENT_REFUND_EXCEEDS_CAPTURED', field: ['input', 'amount'] }] });
    const capture = await platform.gateway.data<{ capturePayment: { payment: null; userErrors: { code: string }[] } }>(CAPTURE, { input: { orderId, idempotencyKey: randomUUID() } }, { token: tokens.admin });
    expect(capture.capturePayment).toEqual({ payment: null, userErrors: [{ code: 'PAYMENT_ALREADY_CAPTURED', field: ['input', 'orderId'] }] });
    // 1 000 back of 10 000: a tenth of vendor A's 5 400.
    expect((await platform.gateway.data(BALANCE, {}, { token: tokens.vendorA })).vendorBalance).toEqual({ vendorId: vendorA, amounts: [{ amount: 4_860, currency: 'EUR' }] });
    expect((await paymentAs(tokens.customer)).body.data?.paymentForOrder?.refundedAmount).toEqual({ amount: 1_000 });
    const vendorRefund = await platform.gateway.request(REFUND, { input: { orderId, amount: { amount: 1, currency: 'EUR' }, reason: 'x', idempotencyKey: randomUUID() } }, { token: tokens.vendorA });
    expect(codes(vendorRefund.body.errors)).toEqual(['FORBIDDEN']);
  });

  it('no process logged the card number', () => {
    // The tokenize request itself was logged (so the lines searched are the ones that could leak).
    expect(logLines.some((line) => line.includes('card tokenized') && line.includes('"last4":"4242"'))).toBe(true);
    expect(logLines.filter((line) => line.includes(CARD))).toEqual([]);
  });
});
