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
import type { PaymentsDatabase } from './prisma.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
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
  status: 'AUTHORIZED' | 'DECLINED' | 'CAPTURED' | 'VOIDED' | 'EXPIRED';
  declineCode: string | null;
  amount: number;
  capturedAmount: number;
  refundedAmount: number;
  last4: string | null;
  brand: string | null;
}

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

  async function cardFor(token: string): Promise<SimCard | null> {
    const ready = READY_MADE_TOKENS[token];
    if (ready) return ready;
    const rows = await db.$queryRaw<SimCard[]>`SELECT last4, brand, behaviour FROM sim_cards WHERE token = ${token}`;
    return rows[0] ?? null;
  }

  async function charge(key: string): Promise<ChargeRow | null> {
    const rows = await db.$queryRaw<ChargeRow[]>`
      SELECT c.key, c.id::text, c.status, c.decline_code AS "declineCode", c.amount, c.captured_amount AS "capturedAmount",
             c.refunded_amount AS "refundedAmount", s.last4, s.brand
      FROM sim_charges c LEFT JOIN sim_cards s ON s.token = c.token WHERE c.key = ${key}`;
    return rows[0] ?? null;
  }

  function authorizeOutcome(row: ChargeRow, card: SimCard | null): AuthorizeOutcome {
    if (row.status === 'DECLINED') return { status: 'DECLINED', code: (row.declineCode as DeclineCode | null) ?? 'CARD_DECLINED', authorizationId: row.id };
    // A key voided before its authorization was made: the network refuses to authorize it since.
    if (row.status === 'VOIDED' && row.amount === 0) return { status: 'DECLINED', code: 'CARD_DECLINED', authorizationId: row.id };
    return { status: 'AUTHORIZED', authorizationId: row.id, last4: card?.last4 ?? row.last4 ?? '0000', brand: card?.brand ?? row.brand ?? 'OTHER' };
  }

  /** The stored answer of an earlier operation under this key, or the new one, recorded with its effect. */
  async function operation<T>(key: string, name: string, run: (tx: SqlClient) => Promise<T>): Promise<T> {
    return db.$transaction(async (tx) => {
      // Two calls with one key at once: the second waits on the first's row, then reads its answer.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sim:${key}`}))`;
      const earlier = await tx.$queryRaw<{ result: T }[]>`SELECT result FROM sim_operations WHERE key = ${key}`;
      if (earlier[0]) return earlier[0].result;
      const result = await run(tx);
      await tx.$executeRaw`INSERT INTO sim_operations (key, operation, result) VALUES (${key}, ${name}, ${JSON.stringify(result)}::jsonb)`;
      return result;
    });
  }

  const lockCharge = async (tx: SqlClient, key: string) =>
    (await tx.$queryRaw<ChargeRow[]>`
      SELECT key, id::text, status, amount, captured_amount AS "capturedAmount", refunded_amount AS "refundedAmount"
      FROM sim_charges WHERE key = ${key} FOR UPDATE`)[0] ?? null;

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
          const existing = await charge(request.idempotencyKey);
          if (existing) return authorizeOutcome(existing, null);
          const card = await cardFor(request.token);
          // The slow card: the network takes its time whether or not the caller still waits.
          if (card?.behaviour === 'SLOW') await new Promise((resolve) => setTimeout(resolve, options.slowMs));
          const declined: DeclineCode | null = card ? (DECLINES[card.behaviour] ?? null) : 'INVALID_PAYMENT_METHOD';
          await db.$executeRaw`
            INSERT INTO sim_charges (key, id, token, amount, currency, status, decline_code)
            VALUES (${request.idempotencyKey}, ${randomUUID()}::uuid, ${request.token}, ${request.amount.amount}, ${request.amount.currency},
                    ${declined ? 'DECLINED' : 'AUTHORIZED'}, ${declined})
            ON CONFLICT (key) DO NOTHING`;
          const row = await charge(request.idempotencyKey);
          if (!row) throw new Error('simulated network lost a charge');
          return authorizeOutcome(row, card);
        })(),
      );
    },

    capture(request) {
      return track(
        operation<CaptureOutcome>(request.idempotencyKey, 'capture', async (tx) => {
          const row = await lockCharge(tx, request.authorizationKey);
          if (row?.status === 'EXPIRED') return { status: 'REFUSED', code: 'AUTHORIZATION_EXPIRED' };
          if (!row || row.status !== 'AUTHORIZED' || request.amount > row.amount) return { status: 'REFUSED', code: 'NOT_AUTHORIZED' };
          await tx.$executeRaw`UPDATE sim_charges SET status = 'CAPTURED', captured_amount = ${request.amount} WHERE key = ${request.authorizationKey}`;
          return { status: 'CAPTURED', amount: request.amount };
        }),
      );
    },

    void(request) {
      return track(
        operation<VoidOutcome>(request.idempotencyKey, 'void', async (tx) => {
          const row = await lockCharge(tx, request.authorizationKey);
          if (!row) {
            // Voided before the authorization arrived (its caller timed out): the key stays voided.
            await tx.$executeRaw`
              INSERT INTO sim_charges (key, id, token, amount, currency, status)
              VALUES (${request.authorizationKey}, ${randomUUID()}::uuid, '', 0, 'XXX', 'VOIDED') ON CONFLICT (key) DO NOTHING`;
            return { status: 'VOIDED' };
          }
          if (row.status === 'CAPTURED') return { status: 'REFUSED', code: 'ALREADY_CAPTURED' };
          if (row.status === 'AUTHORIZED') await tx.$executeRaw`UPDATE sim_charges SET status = 'VOIDED' WHERE key = ${request.authorizationKey}`;
          return { status: 'VOIDED' };
        }),
      );
    },

    refund(request) {
      return track(
        operation<RefundOutcome>(request.idempotencyKey, 'refund', async (tx) => {
          const row = await lockCharge(tx, request.authorizationKey);
          if (!row || row.status !== 'CAPTURED') return { status: 'REFUSED', code: 'NOT_CAPTURED' };
          if (row.refundedAmount + request.amount > row.capturedAmount) return { status: 'REFUSED', code: 'EXCEEDS_CAPTURED' };
          await tx.$executeRaw`UPDATE sim_charges SET refunded_amount = refunded_amount + ${request.amount} WHERE key = ${request.authorizationKey}`;
          return { status: 'REFUNDED', amount: request.amount };
        }),
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
