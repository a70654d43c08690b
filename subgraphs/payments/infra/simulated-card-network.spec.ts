import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentsDatabase, type PaymentsDatabase } from './prisma.ts';
import { createSimulatedCardNetwork, type SimulatedCardNetwork } from './simulated-card-network.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';

// The network's promise to payments: the same key gets the first answer and moves money at most
// once, across restarts (a second instance over the same tables) and for calls running at once.
let db: PaymentsDatabase;
let network: SimulatedCardNetwork;
let restarted: SimulatedCardNetwork;

beforeAll(() => {
  db = createPaymentsDatabase(testDatabaseUrl('payments'), 6);
  network = createSimulatedCardNetwork(db, { slowMs: 200 });
  restarted = createSimulatedCardNetwork(db, { slowMs: 200 });
});
afterAll(async () => {
  await network?.close();
  await restarted?.close();
  await db?.$disconnect();
});

const eur = (amount: number) => ({ amount, currency: 'EUR' });

async function charge(key: string) {
  const [row] = await db.$queryRaw<{ status: string; captured: number; refunded: number }[]>`
    SELECT status, captured_amount AS captured, refunded_amount AS refunded FROM sim_charges WHERE key = ${key}`;
  return row ?? null;
}

async function authorized(token = 'tok_success') {
  const key = randomUUID();
  const answer = await network.authorize({ token, amount: eur(5_000), idempotencyKey: key });
  return { key, answer };
}

describe('authorize', () => {
  it('a repeated key answers the first answer, with the card it was made with', async () => {
    const { key, answer } = await authorized();
    expect(answer).toMatchObject({ status: 'AUTHORIZED', last4: '4242', brand: 'VISA' });
    await expect(restarted.authorize({ token: 'tok_decline', amount: eur(1), idempotencyKey: key })).resolves.toEqual(answer);
    const card = await network.tokenize({ number: '5555555555554444', expMonth: 12, expYear: 2099, cvc: '123' });
    const tokenized = randomUUID();
    const first = await network.authorize({ token: card?.token ?? '', amount: eur(700), idempotencyKey: tokenized });
    expect(first).toMatchObject({ status: 'AUTHORIZED', last4: '4444', brand: 'MASTERCARD' });
    await expect(restarted.authorize({ token: 'tok_success', amount: eur(700), idempotencyKey: tokenized })).resolves.toEqual(first);
  });

  it('calls with one key at once make one charge and get one answer', async () => {
    const key = randomUUID();
    const answers = await Promise.all(['tok_success', 'tok_decline', 'tok_success', 'tok_insufficient_funds'].map((token) => network.authorize({ token, amount: eur(900), idempotencyKey: key })));
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
  });

  it('a key voided before its authorization was made stays voided: the late authorization is declined', async () => {
    const key = randomUUID();
    const late = network.authorize({ token: 'tok_slow', amount: eur(900), idempotencyKey: key });
    await expect(network.void({ authorizationKey: key, idempotencyKey: `void:${key}` })).resolves.toEqual({ status: 'VOIDED' });
    await expect(late).resolves.toMatchObject({ status: 'DECLINED', code: 'CARD_DECLINED' });
    expect(await charge(key)).toMatchObject({ status: 'VOIDED' });
  });
});

describe('capture, void, refund', () => {
  it('capture: once per key, the first answer again after a restart; more than authorized or an expired authorization is refused', async () => {
    const { key } = await authorized();
    const request = { authorizationKey: key, amount: 5_000, idempotencyKey: `capture:${key}` };
    const answers = await Promise.all([network.capture(request), restarted.capture(request), network.capture(request)]);
    expect(answers).toEqual([
      { status: 'CAPTURED', amount: 5_000 },
      { status: 'CAPTURED', amount: 5_000 },
      { status: 'CAPTURED', amount: 5_000 },
    ]);
    expect(await charge(key)).toEqual({ status: 'CAPTURED', captured: 5_000, refunded: 0 });
    await expect(network.capture({ ...request, idempotencyKey: 'another' + key })).resolves.toEqual({ status: 'REFUSED', code: 'NOT_AUTHORIZED' });

    const more = await authorized();
    await expect(network.capture({ authorizationKey: more.key, amount: 5_001, idempotencyKey: `capture:${more.key}` })).resolves.toEqual({ status: 'REFUSED', code: 'NOT_AUTHORIZED' });
    // The refusal is the key's answer for good, even once it could succeed.
    await expect(network.capture({ authorizationKey: more.key, amount: 5_000, idempotencyKey: `capture:${more.key}` })).resolves.toEqual({ status: 'REFUSED', code: 'NOT_AUTHORIZED' });
    const lapsed = await authorized();
    await network.expireAuthorization(lapsed.key);
    await expect(network.capture({ authorizationKey: lapsed.key, amount: 10, idempotencyKey: `capture:${lapsed.key}` })).resolves.toEqual({ status: 'REFUSED', code: 'AUTHORIZATION_EXPIRED' });
    await expect(network.capture({ authorizationKey: randomUUID(), amount: 10, idempotencyKey: randomUUID() })).resolves.toEqual({ status: 'REFUSED', code: 'NOT_AUTHORIZED' });
  });

  it('void and capture of one authorization at once: exactly one of them wins', async () => {
    const { key } = await authorized();
    const [voided, captured] = await Promise.all([
      network.void({ authorizationKey: key, idempotencyKey: `void:${key}` }),
      restarted.capture({ authorizationKey: key, amount: 5_000, idempotencyKey: `capture:${key}` }),
    ]);
    expect([voided.status, captured.status].sort()).toEqual(voided.status === 'VOIDED' ? ['REFUSED', 'VOIDED'] : ['CAPTURED', 'REFUSED']);
    expect((await charge(key))?.status).toBe(voided.status === 'VOIDED' ? 'VOIDED' : 'CAPTURED');
    await expect(network.void({ authorizationKey: key, idempotencyKey: `void:${key}` })).resolves.toEqual(voided);
  });

  it('refunds: each key once, never more than captured, also when they run at once', async () => {
    const { key } = await authorized();
    await network.capture({ authorizationKey: key, amount: 5_000, idempotencyKey: `capture:${key}` });
    const same = { authorizationKey: key, amount: 2_000, idempotencyKey: `refund:${randomUUID()}` };
    const answers = await Promise.all([
      network.refund(same),
      restarted.refund(same),
      network.refund({ authorizationKey: key, amount: 2_000, idempotencyKey: `refund:${randomUUID()}` }),
      restarted.refund({ authorizationKey: key, amount: 2_000, idempotencyKey: `refund:${randomUUID()}` }),
    ]);
    expect(answers[0]).toEqual(answers[1]);
    expect(answers.slice(1).filter((answer) => answer.status === 'REFUNDED')).toHaveLength(2);
    expect(answers.slice(1).filter((answer) => answer.status === 'REFUSED')).toEqual([{ status: 'REFUSED', code: 'EXCEEDS_CAPTURED' }]);
    expect(await charge(key)).toEqual({ status: 'CAPTURED', captured: 5_000, refunded: 4_000 });
    const uncaptured = await authorized();
    await expect(network.refund({ authorizationKey: uncaptured.key, amount: 1, idempotencyKey: randomUUID() })).resolves.toEqual({ status: 'REFUSED', code: 'NOT_CAPTURED' });
  });
});
