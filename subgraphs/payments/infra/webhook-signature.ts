import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header the provider signs its webhooks in: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-provider-signature';

/** HMAC-SHA256 with the shared secret over `<t>.<raw body>`: the time is signed, so it cannot be moved. */
export function webhookSignature(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header value for a body signed at `timestamp` (the simulated network's side). */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; problem: 'MISSING' | 'INVALID' | 'OUT_OF_RANGE' };

/**
 * Checks a webhook's signature header against the raw body: well-formed, a `v1` that is the HMAC
 * (compared in constant time), and a time within `toleranceSeconds` of now either way (so an old
 * event cannot be replayed once its id has been forgotten).
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: Buffer, nowSeconds: number, toleranceSeconds: number): SignatureCheck {
  if (!header) return { ok: false, problem: 'MISSING' };
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(timestamp) || !/^[0-9a-f]{64}$/.test(given)) return { ok: false, problem: 'INVALID' };
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return { ok: false, problem: 'INVALID' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, problem: 'OUT_OF_RANGE' };
  return { ok: true, timestamp };
}
