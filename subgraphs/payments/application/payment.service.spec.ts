import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { PaymentsErrorCodes } from '../domain/error-codes.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { createPaymentsHarness, type PaymentsHarness } from '../testing/harness.ts';
import type { AuthorizeCommand } from './payment.service.ts';

let h: PaymentsHarness;
const admin: Viewer = { userId: randomUUID(), role: 'ADMIN', vendorId: null };

beforeAll(async () => {
  h = await createPaymentsHarness({ scope: 'payment-service' });
});
afterAll(async () => {
  await h?.close();
});

const authorize = (command: AuthorizeCommand) => h.saga((tx, saga) => h.services.payments.authorize(tx, command, saga));
const capture = (orderId: string) => h.saga((tx, saga) => h.services.payments.capture(tx, orderId, saga));
const cancel = (orderId: string) => h.saga((tx, saga) => h.services.payments.cancel(tx, orderId, 'customer changed their mind', saga));
const types = async (orderId: string) => (await h.outbox(orderId)).map((row) => row.type);

/** What Postgres holds for an order: the payment row, its refunds and ledger entries, the sim's charge. */
async function stored(orderId: string) {
  const [payment] = await h.db.$queryRaw<{ status: string; captured: number; refunded: number; reason: string | null }[]>`
    SELECT status::text, captured_amount AS captured, refunded_amount AS refunded, reason FROM payments WHERE order_id = ${orderId}::uuid`;
  const entries = await h.db.$queryRaw<{ vendorId: string | null; kind: string; amount: number }[]>`
    SELECT e.vendor_id::text AS "vendorId", e.kind::text, e.amount FROM ledger_entries e WHERE e.order_id = ${orderId}::uuid ORDER BY e.created_at, e.kind, e.amount`;
  const refunds = await h.db.$queryRaw<{ amount: number; status: string }[]>`
    SELECT r.amount, r.status::text FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.order_id = ${orderId}::uuid ORDER BY r.created_at`;
  const [charge] = await h.db.$queryRaw<{ status: string; captured: number; refunded: number }[]>`
    SELECT status, captured_amount AS captured, refunded_amount AS refunded FROM sim_charges WHERE key = ${orderId}`;
  const requests = await h.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM payment_requests`;
  return { payment: payment ?? null, entries, refunds, charge: charge ?? null, requests: requests[0]?.n ?? 0 };
}

async function capturedOrder(overrides: Partial<AuthorizeCommand> = {}) {
  const command = h.authorizeCommand(overrides);
  await authorize(command);
  await capture(command.orderId);
  return command;
}

describe('authorize (saga)', () => {
  it('records AUTHORIZING, asks the network with the order id as key, then AUTHORIZED with payment.authorized', async () => {
    const command = h.authorizeCommand();
    await authorize(command);
    const after = await stored(command.orderId);
    expect(after.payment).toMatchObject({ status: 'AUTHORIZED', captured: 0 });
    expect(after.charge).toMatchObject({ status: 'AUTHORIZED' });
    const [event] = await h.outbox(command.orderId);
    expect(event).toMatchObject({ type: 'payment.authorized', payload: { orderId: command.orderId, amount: { amount: 10_000, currency: 'EUR' } } });
  });

  it('a repeated command authorizes nothing twice and answers the same', async () => {
    const command = h.authorizeCommand();
    await authorize(command);
    await authorize(command);
    expect(await types(command.orderId)).toEqual(['payment.authorized', 'payment.authorized']);
    const charges = await h.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM sim_charges WHERE key = ${command.orderId}`;
    expect(charges[0]?.n).toBe(1);
  });

  it.each([
    { token: 'tok_decline', reason: 'CARD_DECLINED' },
    { token: 'tok_insufficient_funds', reason: 'INSUFFICIENT_FUNDS' },
    { token: 'tok_unknown_to_the_network', reason: 'INVALID_PAYMENT_METHOD' },
  ])('$token is DECLINED with $reason and payment.declined', async ({ token, reason }) => {
    const command = h.authorizeCommand({ paymentMethodToken: token });
    await authorize(command);
    expect((await stored(command.orderId)).payment).toMatchObject({ status: 'DECLINED', reason });
    expect(await h.outbox(command.orderId)).toMatchObject([{ type: 'payment.declined', payload: { reason } }]);
  });

  /** Authorize commands as an inbox batch handles them: side by side on one transaction (the failures reported, the rest committed). */
  const authorizeTogether = (commands: AuthorizeCommand[]) =>
    h.db.$transaction((tx) => Promise.allSettled(commands.map((command) => h.services.payments.authorize(tx, command, { correlationId: 'spec-together', logger: h.logger }))), {
      timeout: 5_000,
    });
  const charges = async (orderId: string) => (await h.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM sim_charges WHERE key = ${orderId}`)[0]?.n;

  it('commands handled together, one of them twice: every order authorized and charged once', async () => {
    const [one, other] = [h.authorizeCommand(), h.authorizeCommand()];
    const outcomes = await authorizeTogether([one, other, one]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    for (const command of [one, other]) {
      expect((await stored(command.orderId)).payment).toMatchObject({ status: 'AUTHORIZED' });
      expect(await charges(command.orderId)).toBe(1);
      expect(new Set(await types(command.orderId))).toEqual(new Set(['payment.authorized']));
    }
  });

  it('a command that cannot be started fails alone: those handled with it are authorized', async () => {
    // Valid by its contract, but more than the amount column holds: the batch's insert fails.
    const tooLarge = h.authorizeCommand({ amount: { amount: 3_000_000_000, currency: 'EUR' } });
    const fine = h.authorizeCommand();
    const [failed, authorized] = await authorizeTogether([tooLarge, fine]);
    expect(failed?.status).toBe('rejected');
    expect(authorized?.status).toBe('fulfilled');
    expect((await stored(tooLarge.orderId)).payment).toBeNull();
    expect(await types(fine.orderId)).toEqual(['payment.authorized']);
  });

  it('a command whose vendor shares exceed the amount is refused outright (dead-letter), recording nothing', async () => {
    const command = h.authorizeCommand({ amount: { amount: 100, currency: 'EUR' } });
    await expect(authorize(command)).rejects.toThrow(/vendor shares/);
    expect((await stored(command.orderId)).payment).toBeNull();
  });
});

describe('the slow card and the provider timeout', () => {
  it('an authorization not answered in time is declined PAYMENT_TIMED_OUT and voided at the network', async () => {
    const slow = await createPaymentsHarness({ scope: 'payment-service-slow', providerTimeoutMs: 250, slowMs: 750 });
    try {
      // Opens the pools first, so only the slow card is slow.
      await slow.saga((tx, saga) => slow.services.payments.authorize(tx, slow.authorizeCommand(), saga));
      const command = slow.authorizeCommand({ paymentMethodToken: 'tok_slow' });
      await slow.saga((tx, saga) => slow.services.payments.authorize(tx, command, saga));
      expect(await slow.outbox(command.orderId)).toMatchObject([{ type: 'payment.declined', payload: { reason: 'PAYMENT_TIMED_OUT' } }]);
      // The network answers later; by then the key is voided, so nothing is ever held.
      await slow.network.close();
      const [charge] = await slow.db.$queryRaw<{ status: string }[]>`SELECT status FROM sim_charges WHERE key = ${command.orderId}`;
      expect(charge?.status).toBe('VOIDED');
    } finally {
      await slow.close();
    }
  });
});

describe('capture', () => {
  it('takes the money and writes the ledger: each vendor its share minus 10 %, the platform the rest; sums to the amount', async () => {
    const command = await capturedOrder();
    const after = await stored(command.orderId);
    expect(after.payment).toMatchObject({ status: 'CAPTURED', captured: 10_000 });
    expect(after.charge).toMatchObject({ status: 'CAPTURED', captured: 10_000 });
    const [a, b] = command.vendorShares;
    expect(after.entries).toEqual(
      expect.arrayContaining([
        { vendorId: a?.vendorId, kind: 'SALE', amount: 5_400 },
        { vendorId: b?.vendorId, kind: 'SALE', amount: 2_700 },
        { vendorId: null, kind: 'COMMISSION', amount: 1_900 },
      ]),
    );
    expect(after.entries.reduce((sum, entry) => sum + entry.amount, 0)).toBe(10_000);
    expect(await types(command.orderId)).toEqual(['payment.authorized', 'payment.captured']);
  });

  it('a second capture command answers payment.captured again and changes nothing', async () => {
    const command = await capturedOrder();
    const before = await stored(command.orderId);
    await capture(command.orderId);
    expect(await stored(command.orderId)).toEqual(before);
    expect(await types(command.orderId)).toEqual(['payment.authorized', 'payment.captured', 'payment.captured']);
  });

  it('capturing an order without payment or a declined one answers payment.capture_failed', async () => {
    const orderId = randomUUID();
    await capture(orderId);
    expect(await h.outbox(orderId)).toMatchObject([{ type: 'payment.capture_failed', payload: { reason: 'PAYMENT_NOT_AUTHORIZED', paymentId: null } }]);
    const declined = h.authorizeCommand({ paymentMethodToken: 'tok_decline' });
    await authorize(declined);
    await capture(declined.orderId);
    expect((await h.outbox(declined.orderId)).at(-1)).toMatchObject({ type: 'payment.capture_failed', payload: { reason: 'PAYMENT_NOT_AUTHORIZED' } });
  });

  it('admin capturePayment: a second capture is PAYMENT_ALREADY_CAPTURED and changes nothing; a retry with the key returns the first result', async () => {
    const command = h.authorizeCommand();
    await authorize(command);
    const key = `capture-${randomUUID()}`;
    const first = await h.services.payments.capturePayment(h.scope(admin), { orderId: command.orderId, idempotencyKey: key });
    expect(first).toMatchObject({ ok: true, value: { status: 'CAPTURED', captured: { amount: 10_000 } } });
    const before = await stored(command.orderId);
    const retry = await h.services.payments.capturePayment(h.scope(admin), { orderId: command.orderId, idempotencyKey: key });
    expect(retry).toMatchObject({ ok: true, value: { status: 'CAPTURED' } });
    const second = await h.services.payments.capturePayment(h.scope(admin), { orderId: command.orderId, idempotencyKey: `capture-${randomUUID()}` });
    expect(second).toMatchObject({ ok: false, errors: [{ code: PaymentsErrorCodes.PAYMENT_ALREADY_CAPTURED }] });
    expect(await stored(command.orderId)).toEqual(before);
    expect(await types(command.orderId)).toEqual(['payment.authorized', 'payment.captured']);
  });

  it('admin capturePayment: the same key for another order is PAYMENT_IDEMPOTENCY_KEY_REUSED; unknown orders PAYMENT_NOT_FOUND', async () => {
    const one = h.authorizeCommand();
    const other = h.authorizeCommand();
    await authorize(one);
    await authorize(other);
    const key = `capture-${randomUUID()}`;
    expect((await h.services.payments.capturePayment(h.scope(admin), { orderId: one.orderId, idempotencyKey: key })).ok).toBe(true);
    const before = await stored(other.orderId);
    const reused = await h.services.payments.capturePayment(h.scope(admin), { orderId: other.orderId, idempotencyKey: key });
    expect(reused).toMatchObject({ ok: false, errors: [{ code: PaymentsErrorCodes.PAYMENT_IDEMPOTENCY_KEY_REUSED, field: ['input', 'idempotencyKey'] }] });
    expect(await stored(other.orderId)).toEqual(before);
    const missing = await h.services.payments.capturePayment(h.scope(admin), { orderId: randomUUID(), idempotencyKey: `capture-${randomUUID()}` });
    expect(missing).toMatchObject({ ok: false, errors: [{ code: PaymentsErrorCodes.PAYMENT_NOT_FOUND }] });
  });

  it('only admins capture or refund by hand', async () => {
    const customer: Viewer = { userId: randomUUID(), role: 'CUSTOMER', vendorId: null };
    await expect(h.services.payments.capturePayment(h.scope(customer), { orderId: randomUUID(), idempotencyKey: 'k-12345678' })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(
      h.services.payments.refundPayment(h.scope(null), { orderId: randomUUID(), amount: { amount: 1, currency: 'EUR' }, reason: 'x', idempotencyKey: 'k-12345678' }),
    ).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('refunds', () => {
  const refund = (orderId: string, amount: number, key = `refund-${randomUUID()}`) =>
    h.services.payments.refundPayment(h.scope(admin), { orderId, amount: { amount, currency: 'EUR' }, reason: 'damaged in transit', idempotencyKey: key });

  it('a partial refund reverses the ledger pro rata; more than what is left is PAYMENT_REFUND_EXCEEDS_CAPTURED and changes nothing', async () => {
    const command = await capturedOrder();
    const partial = await refund(command.orderId, 2_500);
    expect(partial).toMatchObject({ ok: true, value: { status: 'PARTIALLY_REFUNDED', refunded: { amount: 2_500 } } });
    const after = await stored(command.orderId);
    const reversal = after.entries.filter((entry) => entry.amount < 0);
    expect(reversal.reduce((sum, entry) => sum + entry.amount, 0)).toBe(-2_500);
    expect(reversal).toEqual(expect.arrayContaining([{ vendorId: command.vendorShares[0]?.vendorId, kind: 'REFUND', amount: -1_350 }]));

    const tooMuch = await refund(command.orderId, 7_501);
    expect(tooMuch).toMatchObject({ ok: false, errors: [{ code: PaymentsErrorCodes.PAYMENT_REFUND_EXCEEDS_CAPTURED, field: ['input', 'amount'] }] });
    expect(await stored(command.orderId)).toEqual(after);
    expect(after.charge).toMatchObject({ refunded: 2_500 });
  });

  it('refunding the rest makes it REFUNDED and every account of the order sums to zero', async () => {
    const command = await capturedOrder();
    expect((await refund(command.orderId, 3_333)).ok).toBe(true);
    expect(await refund(command.orderId, 6_667)).toMatchObject({ ok: true, value: { status: 'REFUNDED' } });
    const after = await stored(command.orderId);
    for (const account of [null, ...command.vendorShares.map((share) => share.vendorId)]) {
      expect(after.entries.filter((entry) => entry.vendorId === account).reduce((sum, entry) => sum + entry.amount, 0)).toBe(0);
    }
  });

  it('a retry with the same key refunds once; the key with another amount is PAYMENT_IDEMPOTENCY_KEY_REUSED', async () => {
    const command = await capturedOrder();
    const key = `refund-${randomUUID()}`;
    expect((await refund(command.orderId, 1_000, key)).ok).toBe(true);
    expect(await refund(command.orderId, 1_000, key)).toMatchObject({ ok: true, value: { refunded: { amount: 1_000 } } });
    const before = await stored(command.orderId);
    expect(await refund(command.orderId, 2_000, key)).toMatchObject({ ok: false, errors: [{ code: PaymentsErrorCodes.PAYMENT_IDEMPOTENCY_KEY_REUSED }] });
    expect(await stored(command.orderId)).toEqual(before);
    expect(before.refunds).toEqual([{ amount: 1_000, status: 'SUCCEEDED' }]);
  });

  it('two refunds at once that together exceed the capture: exactly one succeeds', async () => {
    const command = await capturedOrder();
    const results = await Promise.all([refund(command.orderId, 6_000), refund(command.orderId, 6_000)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toMatchObject([{ errors: [{ code: PaymentsErrorCodes.PAYMENT_REFUND_EXCEEDS_CAPTURED }] }]);
    expect((await stored(command.orderId)).payment).toMatchObject({ refunded: 6_000 });
  });

  it('refunding a payment never captured is refused and changes nothing', async () => {
    const command = h.authorizeCommand();
    await authorize(command);
    const before = await stored(command.orderId);
    expect(await refund(command.orderId, 100)).toMatchObject({ ok: false, errors: [{ code: PaymentsErrorCodes.PAYMENT_ILLEGAL_TRANSITION }] });
    expect(await stored(command.orderId)).toEqual(before);
  });

  it('the saga refund is idempotent by refund id and answers payment.refund_failed above the capture', async () => {
    const command = await capturedOrder();
    const refundId = randomUUID();
    const step = (amount: number, id = refundId) =>
      h.saga((tx, saga) => h.services.payments.refund(tx, { orderId: command.orderId, refundId: id, amount: { amount, currency: 'EUR' }, reason: 'returned' }, saga));
    await step(4_000);
    await step(4_000);
    await step(7_000, randomUUID());
    expect((await stored(command.orderId)).payment).toMatchObject({ refunded: 4_000 });
    expect((await h.outbox(command.orderId)).slice(2)).toMatchObject([
      { type: 'payment.refunded', payload: { refundId, amount: { amount: 4_000 } } },
      { type: 'payment.refunded', payload: { refundId } },
      { type: 'payment.refund_failed', payload: { reason: 'REFUND_EXCEEDS_CAPTURED' } },
    ]);
  });
});

describe('cancel', () => {
  it('before the authorize arrived: NOTHING_TO_CANCEL, and the late authorize authorizes nothing', async () => {
    const command = h.authorizeCommand();
    await cancel(command.orderId);
    await authorize(command);
    expect(await h.outbox(command.orderId)).toMatchObject([{ type: 'payment.cancelled', payload: { outcome: 'NOTHING_TO_CANCEL', paymentId: null } }]);
    const after = await stored(command.orderId);
    expect(after.payment).toBeNull();
    expect(after.charge).toBeNull();
  });

  it('an authorized payment is voided at the network', async () => {
    const command = h.authorizeCommand();
    await authorize(command);
    await cancel(command.orderId);
    expect((await stored(command.orderId)).charge).toMatchObject({ status: 'VOIDED' });
    expect((await stored(command.orderId)).payment).toMatchObject({ status: 'VOIDED', reason: 'ORDER_CANCELLED' });
    expect((await h.outbox(command.orderId)).at(-1)).toMatchObject({ type: 'payment.cancelled', payload: { outcome: 'VOIDED' } });
    await cancel(command.orderId);
    expect((await h.outbox(command.orderId)).at(-1)).toMatchObject({ type: 'payment.cancelled', payload: { outcome: 'VOIDED' } });
  });

  it('a captured payment is refunded in full, once, whatever the number of cancels', async () => {
    const command = await capturedOrder();
    await cancel(command.orderId);
    await cancel(command.orderId);
    const after = await stored(command.orderId);
    expect(after.payment).toMatchObject({ status: 'REFUNDED', refunded: 10_000 });
    expect(after.refunds).toEqual([{ amount: 10_000, status: 'SUCCEEDED' }]);
    expect((await h.outbox(command.orderId)).slice(2)).toMatchObject([
      { type: 'payment.cancelled', payload: { outcome: 'REFUNDED', refunded: { amount: 10_000, currency: 'EUR' } } },
      { type: 'payment.cancelled', payload: { outcome: 'REFUNDED', refunded: { amount: 10_000 } } },
    ]);
  });

  it('a cancel while the network is still answering: the authorization step voids what it got and answers payment.cancelled', async () => {
    // The slow card answers after 400 ms; the cancel lands meanwhile and finds the payment AUTHORIZING.
    const command = h.authorizeCommand({ paymentMethodToken: 'tok_slow' });
    const authorizing = authorize(command);
    await waitFor('the attempt to be recorded', async () => (await stored(command.orderId)).payment?.status === 'AUTHORIZING');
    await cancel(command.orderId);
    expect(await h.outbox(command.orderId)).toEqual([]);
    await authorizing;
    const after = await stored(command.orderId);
    expect(after.payment).toMatchObject({ status: 'VOIDED', reason: 'ORDER_CANCELLED' });
    expect(after.charge).toMatchObject({ status: 'VOIDED' });
    expect(await h.outbox(command.orderId)).toMatchObject([{ type: 'payment.cancelled', payload: { outcome: 'VOIDED' } }]);
  });

  /** What waits on a lock in the test database: the cancel's statement (it records the cancellation) or the outcome's. */
  const lockWaiters = async () =>
    (await h.db.$queryRaw<{ query: string }[]>`SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' ORDER BY query_start`)
      .map(({ query }) => (query.includes('payment_cancellations (order_id, reason)') ? 'cancel' : 'outcome'))
      .join(' then ');

  /**
   * A slow-card authorization and its order's cancel queued on the payment's row, which a third
   * transaction holds until both wait: `first` reaches it first. So the second's statement began
   * before the first committed, and must still see what it did.
   */
  async function racedOnTheRow(first: 'cancel' | 'outcome') {
    const command = h.authorizeCommand({ paymentMethodToken: 'tok_slow' });
    const authorizing = authorize(command);
    await waitFor('the attempt to be recorded', async () => (await stored(command.orderId)).payment?.status === 'AUTHORIZING');
    let held = () => {};
    let release = () => {};
    const rowHeld = new Promise<void>((resolve) => (held = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const holding = h.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM payments WHERE order_id = ${command.orderId}::uuid FOR UPDATE`;
        held();
        await released;
      },
      { timeout: 5_000 },
    );
    await rowHeld;
    let cancelling: Promise<void> | undefined;
    // The slow card answers 400 ms after the attempt: its outcome then queues on the row.
    if (first === 'cancel') cancelling = cancel(command.orderId);
    await waitFor(`the ${first} to wait on the row`, async () => (await lockWaiters()) === first);
    cancelling ??= cancel(command.orderId);
    const second = first === 'cancel' ? 'outcome' : 'cancel';
    await waitFor('both to wait on the row', async () => (await lockWaiters()) === `${first} then ${second}`);
    release();
    await Promise.all([holding, cancelling, authorizing]);
    return command;
  }

  it('a cancel that commits while the outcome waits to be recorded: the outcome sees it, voids what it got and answers payment.cancelled', async () => {
    const command = await racedOnTheRow('cancel');
    const after = await stored(command.orderId);
    expect(after.payment).toMatchObject({ status: 'VOIDED', reason: 'ORDER_CANCELLED' });
    expect(after.charge).toMatchObject({ status: 'VOIDED' });
    expect(await h.outbox(command.orderId)).toMatchObject([{ type: 'payment.cancelled', payload: { outcome: 'VOIDED' } }]);
  });

  it('an outcome recorded while the cancel waits: the cancel sees the authorization and voids it', async () => {
    const command = await racedOnTheRow('outcome');
    const after = await stored(command.orderId);
    expect(after.payment).toMatchObject({ status: 'VOIDED', reason: 'ORDER_CANCELLED' });
    expect(after.charge).toMatchObject({ status: 'VOIDED' });
    expect(await types(command.orderId)).toEqual(['payment.authorized', 'payment.cancelled']);
  });

  it('a declined payment has nothing to cancel', async () => {
    const command = h.authorizeCommand({ paymentMethodToken: 'tok_decline' });
    await authorize(command);
    await cancel(command.orderId);
    expect((await h.outbox(command.orderId)).at(-1)).toMatchObject({ type: 'payment.cancelled', payload: { outcome: 'NOTHING_TO_CANCEL' } });
  });
});

describe('who sees a payment', () => {
  it('the paying customer, a vendor with a share, admins; anyone else is FORBIDDEN', async () => {
    const command = h.authorizeCommand();
    await authorize(command);
    const customer: Viewer = { userId: command.customerId, role: 'CUSTOMER', vendorId: null };
    const vendor: Viewer = { userId: randomUUID(), role: 'VENDOR', vendorId: command.vendorShares[0]?.vendorId ?? null };
    for (const viewer of [customer, vendor, admin]) {
      expect(await h.services.payments.paymentForOrder(h.scope(viewer), command.orderId), viewer.role).toMatchObject({ orderId: command.orderId, cardLast4: '4242' });
    }
    const stranger: Viewer = { userId: randomUUID(), role: 'CUSTOMER', vendorId: null };
    const otherVendor: Viewer = { userId: randomUUID(), role: 'VENDOR', vendorId: randomUUID() };
    for (const viewer of [stranger, otherVendor]) {
      await expect(h.services.payments.paymentForOrder(h.scope(viewer), command.orderId)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    }
    await expect(h.services.payments.paymentForOrder(h.scope(null), command.orderId)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
