import { randomBytes, randomUUID } from 'node:crypto';
import type {
  AuthorizeOutcome,
  CaptureOutcome,
  CardDetails,
  DeclineCode,
  PaymentProvider,
  RefundOutcome,
  TokenizedCard,
  VoidOutcome,
} from '../domain/payment-provider.ts';
import { Prisma, type PaymentsDatabase } from './prisma.ts';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.ts';

/**
 * The simulated card network: the only fake of the platform, standing for the outside world (a
 * Stripe-like provider). It runs in-process but keeps its own state in `sim_*` tables of the
 * payments database, so an authorization survives a restart of the payments process, and it
 * honours idempotency keys the way a real network does: the same key gets the first answer.
 *
 * Test cards (any future expiry, any CVC), as Stripe's:
 *   4242424242424242 succeeds · 4000000000000002 declined · 4000000000009995 insufficient funds ·
 *   4000000000000077 succeeds after `slowMs`. Any other valid number succeeds.
 * Ready-made tokens for the same: tok_success, tok_decline, tok_insufficient_funds, tok_slow.
 */

type Behaviour = 'SUCCESS' | 'DECLINE' | 'INSUFFICIENT_FUNDS' | 'SLOW';

const TEST_NUMBERS: Record<string, Behaviour> = {
  '4242424242424242': 'SUCCESS',
  '4000000000000002': 'DECLINE',
  '4000000000009995': 'INSUFFICIENT_FUNDS',
  '4000000000000077': 'SLOW',
};

interface SimCard {
  last4: string;
  brand: string;
  behaviour: Behaviour;
}

export const READY_MADE_TOKENS: Record<string, SimCard> = {
  tok_success: { last4: '4242', brand: 'VISA', behaviour: 'SUCCESS' },
  tok_decline: { last4: '0002', brand: 'VISA', behaviour: 'DECLINE' },
  tok_insufficient_funds: { last4: '9995', brand: 'VISA', behaviour: 'INSUFFICIENT_FUNDS' },
  tok_slow: { last4: '0077', brand: 'VISA', behaviour: 'SLOW' },
};

const DECLINES: Partial<Record<Behaviour, DeclineCode>> = { DECLINE: 'CARD_DECLINED', INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS' };

function brandOf(number: string): string {
  if (number.startsWith('4')) return 'VISA';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'MASTERCARD';
  if (/^3[47]/.test(number)) return 'AMEX';
  return 'OTHER';
}

function luhn(digits: string): boolean {
  let total = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    total += digit;
  }
  return total % 10 === 0;
}

/** A provider event, as the network posts it to the webhook. */
export interface ProviderEvent {
  id: string;
  type: 'charge.refunded' | 'authorization.expired';
  created: number;
  data: { authorizationKey: string; refundId?: string; amount?: number };
}

interface ChargeRow {
  key: string;
  id: string;
  token: string;
  status: 'AUTHORIZED' | 'DECLINED' | 'CAPTURED' | 'VOIDED' | 'EXPIRED';
  declineCode: string | null;
  amount: number;
  /** The card's, when the charge was read with its tokenized card (sim_cards). */
  last4?: string | null;
  brand?: string | null;
}

/** A charge's columns as every RETURNING of this file names them. */
const CHARGE_COLUMNS = Prisma.sql`key, id::text, token, status, decline_code AS "declineCode", amount`;

/** A charge read with what its tokenized card shows (sim_cards holds no ready-made token). */
const CHARGE_WITH_CARD = Prisma.sql`
  SELECT c.key, c.id::text, c.token, c.status, c.decline_code AS "declineCode", c.amount, s.last4, s.brand
  FROM sim_charges c LEFT JOIN sim_cards s ON s.token = c.token`;

export interface SimulatedCardNetwork extends PaymentProvider {
  /** Test and ops helpers (not the port): the network lets an authorization lapse; the event to post. */
  expireAuthorization(authorizationKey: string): Promise<ProviderEvent>;
  /** The merchant refunded from the network's own dashboard: the network's refund and the event to post. */
  refundOutside(authorizationKey: string, amount: number): Promise<ProviderEvent>;
  /** A webhook request as the network sends it: the raw body and its signature header. */
  signedWebhook(event: ProviderEvent, secret: string, atSeconds?: number): { body: string; headers: Record<string, string> };
  /** Waits for calls still running (a slow card answering after its caller gave up). */
  close(): Promise<void>;
}

export function createSimulatedCardNetwork(db: PaymentsDatabase, options: { slowMs: number }): SimulatedCardNetwork {
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };

  async function charge(key: string): Promise<ChargeRow | null> {
    const rows = await db.$queryRaw<ChargeRow[]>`${CHARGE_WITH_CARD} WHERE c.key = ${key}`;
    return rows[0] ?? null;
  }

  /** The charge already under `key` if any, and the tokenized card of `token`, in one look. */
  async function chargeAndCard(key: string, token: string): Promise<{ charge: ChargeRow | null; card: SimCard | null }> {
    const [row] = await db.$queryRaw<{ charge: ChargeRow | null; card: SimCard | null }[]>`
      SELECT (SELECT row_to_json(c) FROM (${CHARGE_WITH_CARD} WHERE c.key = ${key}) c) AS charge,
             (SELECT row_to_json(s) FROM (SELECT last4, brand, behaviour FROM sim_cards WHERE token = ${token}) s) AS card`;
    return { charge: row?.charge ?? null, card: row?.card ?? null };
  }

  /**
   * The answer to an authorization: a repeated key gets the first answer, shown with the card the
   * charge was made with (`card`, else the ready-made token's or the one read with the charge).
   */
  function authorizeOutcome(row: ChargeRow, card: SimCard | null): AuthorizeOutcome {
    if (row.status === 'DECLINED') return { status: 'DECLINED', code: (row.declineCode as DeclineCode | null) ?? 'CARD_DECLINED', authorizationId: row.id };
    // A key voided before its authorization was made: the network refuses to authorize it since.
    if (row.status === 'VOIDED' && row.amount === 0) return { status: 'DECLINED', code: 'CARD_DECLINED', authorizationId: row.id };
    const shown = card ?? READY_MADE_TOKENS[row.token];
    return { status: 'AUTHORIZED', authorizationId: row.id, last4: shown?.last4 ?? row.last4 ?? '0000', brand: shown?.brand ?? row.brand ?? 'OTHER' };
  }

  /**
   * Records a new charge, or finds the one already under the key (a repeated call, a concurrent
   * one, or a void that came first): one statement when no other call got there first.
   */
  async function recordCharge(request: { token: string; amount: { amount: number; currency: string }; idempotencyKey: string }, card: SimCard | null): Promise<AuthorizeOutcome> {
    const declined: DeclineCode | null = card ? (DECLINES[card.behaviour] ?? null) : 'INVALID_PAYMENT_METHOD';
    const [inserted] = await db.$queryRaw<ChargeRow[]>`
      INSERT INTO sim_charges (key, id, token, amount, currency, status, decline_code)
      VALUES (${request.idempotencyKey}, ${randomUUID()}::uuid, ${request.token}, ${request.amount.amount}, ${request.amount.currency},
              ${declined ? 'DECLINED' : 'AUTHORIZED'}, ${declined})
      ON CONFLICT (key) DO NOTHING
      RETURNING ${CHARGE_COLUMNS}`;
    if (inserted) return authorizeOutcome(inserted, card);
    const first = await charge(request.idempotencyKey);
    if (!first) throw new Error('simulated network lost a charge');
    return authorizeOutcome(first, null);
  }

  /**
   * Capture, void and refund are one statement each: it reads the charge under its row lock (so
   * operations on one charge take turns), decides the answer, records it in sim_operations under
   * the operation's key, and makes its effect only if that insert claimed the key. So the answer
   * and its effect commit together or not at all, and a key seen before changes nothing and gets
   * the answer recorded first (which survives a restart: it is a row). The statement ends with
   * this: the answer it recorded, else the one recorded before it began.
   */
  const answeredBefore = (key: string) => Prisma.sql`
    SELECT result FROM recorded
    UNION ALL
    SELECT result FROM sim_operations WHERE key = ${key} AND NOT EXISTS (SELECT 1 FROM recorded)`;

  /**
   * The answer of such a statement. When another call with the same key was running, its insert
   * made ours wait and then do nothing, but our statement's snapshot is older than that commit,
   * so it returned no row: the answer is read again, now committed.
   */
  async function firstAnswer<T>(key: string, answered: { result: T }[]): Promise<T> {
    if (answered[0]) return answered[0].result;
    const [recorded] = await db.$queryRaw<{ result: T }[]>`SELECT result FROM sim_operations WHERE key = ${key}`;
    if (!recorded) throw new Error('simulated network lost an operation');
    return recorded.result;
  }

  return {
    async tokenize(card: CardDetails): Promise<TokenizedCard | null> {
      const number = card.number.replace(/[\s-]/g, '');
      if (!/^\d{12,19}$/.test(number) || !luhn(number)) return null;
      const token = `tok_${randomBytes(12).toString('hex')}`;
      const stored: SimCard = { last4: number.slice(-4), brand: brandOf(number), behaviour: TEST_NUMBERS[number] ?? 'SUCCESS' };
      await db.$executeRaw`INSERT INTO sim_cards (token, last4, brand, behaviour) VALUES (${token}, ${stored.last4}, ${stored.brand}, ${stored.behaviour})`;
      return { token, last4: stored.last4, brand: stored.brand };
    },

    authorize(request) {
      return track(
        (async (): Promise<AuthorizeOutcome> => {
          let card: SimCard | null = READY_MADE_TOKENS[request.token] ?? null;
          if (!card) {
            // A tokenized card: what it does is in sim_cards, read with any earlier charge of the key.
            const seen = await chargeAndCard(request.idempotencyKey, request.token);
            if (seen.charge) return authorizeOutcome(seen.charge, null);
            card = seen.card;
          } else if (card.behaviour === 'SLOW') {
            const existing = await charge(request.idempotencyKey);
            if (existing) return authorizeOutcome(existing, null);
          }
          // The slow card: the network takes its time whether or not the caller still waits.
          if (card?.behaviour === 'SLOW') await new Promise((resolve) => setTimeout(resolve, options.slowMs));
          // A ready-made card with a key seen before: the insert finds the first charge.
          return recordCharge(request, card);
        })(),
      );
    },

    capture(request) {
      const captured: CaptureOutcome = { status: 'CAPTURED', amount: request.amount };
      const expired: CaptureOutcome = { status: 'REFUSED', code: 'AUTHORIZATION_EXPIRED' };
      const notAuthorized: CaptureOutcome = { status: 'REFUSED', code: 'NOT_AUTHORIZED' };
      return track(
        (async () =>
          firstAnswer<CaptureOutcome>(
            request.idempotencyKey,
            await db.$queryRaw<{ result: CaptureOutcome }[]>`
              WITH charge AS (SELECT status, amount FROM sim_charges WHERE key = ${request.authorizationKey} FOR UPDATE),
              answer AS (
                SELECT CASE WHEN c.status = 'EXPIRED' THEN ${JSON.stringify(expired)}::jsonb
                            WHEN c.status = 'AUTHORIZED' AND ${request.amount}::int <= c.amount THEN ${JSON.stringify(captured)}::jsonb
                            ELSE ${JSON.stringify(notAuthorized)}::jsonb END AS result
                FROM (SELECT 1) AS one LEFT JOIN charge c ON true),
              recorded AS (
                INSERT INTO sim_operations (key, operation, result) SELECT ${request.idempotencyKey}, 'capture', result FROM answer
                ON CONFLICT (key) DO NOTHING RETURNING result),
              taken AS (
                UPDATE sim_charges SET status = 'CAPTURED', captured_amount = ${request.amount}::int
                WHERE key = ${request.authorizationKey} AND EXISTS (SELECT 1 FROM recorded WHERE result->>'status' = 'CAPTURED'))
              ${answeredBefore(request.idempotencyKey)}`,
          ))(),
      );
    },

    void(request) {
      const voided: VoidOutcome = { status: 'VOIDED' };
      const captured: VoidOutcome = { status: 'REFUSED', code: 'ALREADY_CAPTURED' };
      return track(
        (async () =>
          firstAnswer<VoidOutcome>(
            request.idempotencyKey,
            await db.$queryRaw<{ result: VoidOutcome }[]>`
              WITH charge AS (SELECT status FROM sim_charges WHERE key = ${request.authorizationKey} FOR UPDATE),
              answer AS (
                SELECT c.status, CASE WHEN c.status = 'CAPTURED' THEN ${JSON.stringify(captured)}::jsonb ELSE ${JSON.stringify(voided)}::jsonb END AS result
                FROM (SELECT 1) AS one LEFT JOIN charge c ON true),
              recorded AS (
                INSERT INTO sim_operations (key, operation, result) SELECT ${request.idempotencyKey}, 'void', result FROM answer
                ON CONFLICT (key) DO NOTHING RETURNING result),
              dropped AS (
                UPDATE sim_charges SET status = 'VOIDED'
                WHERE key = ${request.authorizationKey} AND status = 'AUTHORIZED' AND EXISTS (SELECT 1 FROM recorded)),
              -- Voided before the authorization arrived (its caller timed out): the key stays voided.
              never AS (
                INSERT INTO sim_charges (key, id, token, amount, currency, status)
                SELECT ${request.authorizationKey}, ${randomUUID()}::uuid, '', 0, 'XXX', 'VOIDED' FROM answer
                WHERE answer.status IS NULL AND EXISTS (SELECT 1 FROM recorded)
                ON CONFLICT (key) DO NOTHING)
              ${answeredBefore(request.idempotencyKey)}`,
          ))(),
      );
    },

    refund(request) {
      const refunded: RefundOutcome = { status: 'REFUNDED', amount: request.amount };
      const notCaptured: RefundOutcome = { status: 'REFUSED', code: 'NOT_CAPTURED' };
      const exceeds: RefundOutcome = { status: 'REFUSED', code: 'EXCEEDS_CAPTURED' };
      return track(
        (async () =>
          firstAnswer<RefundOutcome>(
            request.idempotencyKey,
            await db.$queryRaw<{ result: RefundOutcome }[]>`
              WITH charge AS (SELECT status, captured_amount, refunded_amount FROM sim_charges WHERE key = ${request.authorizationKey} FOR UPDATE),
              answer AS (
                SELECT CASE WHEN c.status IS DISTINCT FROM 'CAPTURED' THEN ${JSON.stringify(notCaptured)}::jsonb
                            WHEN c.refunded_amount + ${request.amount}::int > c.captured_amount THEN ${JSON.stringify(exceeds)}::jsonb
                            ELSE ${JSON.stringify(refunded)}::jsonb END AS result
                FROM (SELECT 1) AS one LEFT JOIN charge c ON true),
              recorded AS (
                INSERT INTO sim_operations (key, operation, result) SELECT ${request.idempotencyKey}, 'refund', result FROM answer
                ON CONFLICT (key) DO NOTHING RETURNING result),
              given AS (
                UPDATE sim_charges SET refunded_amount = refunded_amount + ${request.amount}::int
                WHERE key = ${request.authorizationKey} AND EXISTS (SELECT 1 FROM recorded WHERE result->>'status' = 'REFUNDED'))
              ${answeredBefore(request.idempotencyKey)}`,
          ))(),
      );
    },

    async expireAuthorization(authorizationKey) {
      await db.$executeRaw`UPDATE sim_charges SET status = 'EXPIRED' WHERE key = ${authorizationKey} AND status = 'AUTHORIZED'`;
      return { id: `evt_${randomUUID()}`, type: 'authorization.expired', created: Math.floor(Date.now() / 1000), data: { authorizationKey } };
    },

    async refundOutside(authorizationKey, amount) {
      const refundId = randomUUID();
      const outcome = await this.refund({ authorizationKey, amount, idempotencyKey: `dashboard:${refundId}` });
      if (outcome.status !== 'REFUNDED') throw new Error(`the simulated network refused the refund: ${outcome.code}`);
      return { id: `evt_${randomUUID()}`, type: 'charge.refunded', created: Math.floor(Date.now() / 1000), data: { authorizationKey, refundId, amount } };
    },

    signedWebhook(event, secret, atSeconds = Math.floor(Date.now() / 1000)) {
      const body = JSON.stringify(event);
      return { body, headers: { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, body, atSeconds) } };
    },

    async close() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
