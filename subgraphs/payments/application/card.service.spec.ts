import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { PaymentsErrorCodes } from '../domain/error-codes.ts';
import { createPaymentsHarness, type PaymentsHarness } from '../testing/harness.ts';

let h: PaymentsHarness;
const customer: Viewer = { userId: randomUUID(), role: 'CUSTOMER', vendorId: null };
const nextYear = new Date().getUTCFullYear() + 1;
const card = (number: string) => ({ number, expMonth: 12, expYear: nextYear, cvc: '123' });

beforeAll(async () => {
  h = await createPaymentsHarness({ scope: 'card-service' });
});
afterAll(async () => {
  await h?.close();
});

describe('tokenizeCard', () => {
  it('returns a token, the last four digits and the brand; the token pays like the test card it stands for', async () => {
    const tokenized = await h.services.cards.tokenize(h.scope(customer), card('4000 0000 0000 0002'));
    expect(tokenized).toMatchObject({ ok: true, value: { last4: '0002', brand: 'VISA' } });
    if (!tokenized.ok) return;
    expect(tokenized.value.token).toMatch(/^tok_[0-9a-f]{24}$/);
    const command = h.authorizeCommand({ paymentMethodToken: tokenized.value.token });
    await h.saga((tx, saga) => h.services.payments.authorize(tx, command, saga));
    expect(await h.outbox(command.orderId)).toMatchObject([{ type: 'payment.declined', payload: { reason: 'CARD_DECLINED' } }]);
  });

  it('never stores or logs the card number or security code (debug logs included)', async () => {
    const number = '4242424242424242';
    const tokenized = await h.services.cards.tokenize(h.scope(customer), { ...card(number), cvc: '987' });
    expect(tokenized.ok).toBe(true);
    // A logger that did log the input would have to get past the redaction too.
    h.logger.info({ input: card(number), variables: { input: card(number) } }, 'a careless log line');
    const logs = h.logLines.join('\n');
    expect(logs).toContain('card tokenized');
    expect(logs).toContain('a careless log line');
    expect(logs).not.toContain(number);
    // As a value (quoted, or a bare number): the digits alone may turn up inside a request id or a timestamp.
    expect(logs).not.toMatch(/"987"|:987\b/);
    const stored = await h.db.$queryRaw<{ row: string }[]>`SELECT row_to_json(c)::text AS row FROM sim_cards c`;
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((s) => s.row).join('\n')).not.toContain(number);
  });

  it.each([
    { case: 'a number failing Luhn', input: card('4242424242424241'), code: PaymentsErrorCodes.PAYMENT_CARD_INVALID, field: ['input', 'number'] },
    { case: 'letters', input: card('4242abcd42424242'), code: PaymentsErrorCodes.PAYMENT_CARD_INVALID, field: ['input', 'number'] },
    { case: 'month 13', input: { ...card('4242424242424242'), expMonth: 13 }, code: PaymentsErrorCodes.PAYMENT_CARD_INVALID, field: ['input', 'expMonth'] },
    { case: 'a 2-digit code', input: { ...card('4242424242424242'), cvc: '12' }, code: PaymentsErrorCodes.PAYMENT_CARD_INVALID, field: ['input', 'cvc'] },
    { case: 'an expired card', input: { ...card('4242424242424242'), expYear: 2020 }, code: PaymentsErrorCodes.PAYMENT_CARD_EXPIRED, field: ['input', 'expYear'] },
  ])('$case is a userError, and the network is not asked', async ({ input, code, field }) => {
    const cards = async () => Number((await h.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM sim_cards`)[0]?.n);
    const before = await cards();
    expect(await h.services.cards.tokenize(h.scope(customer), input)).toMatchObject({ ok: false, errors: [{ code, field }] });
    expect(await cards()).toBe(before);
  });

  it('only customers tokenize cards', async () => {
    const vendor: Viewer = { userId: randomUUID(), role: 'VENDOR', vendorId: randomUUID() };
    await expect(h.services.cards.tokenize(h.scope(vendor), card('4242424242424242'))).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(h.services.cards.tokenize(h.scope(null), card('4242424242424242'))).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
