import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetentionJob } from '../../../platform/messaging/retention.ts';
import type { ProviderEvent } from '../infra/simulated-card-network.ts';
import { createPaymentsHarness, type PaymentsHarness } from '../testing/harness.ts';
import { providerWebhookRoute } from '../webhook.route.ts';
import { paymentsRetentionTasks, webhookEventRetentionMs } from './retention.ts';

const TOLERANCE_SECONDS = 300;
const REQUEST_RETENTION_HOURS = 720;
const HOUR_MS = 3_600_000;
const secret = `spec-webhook-secret-${randomUUID()}`;

/**
 * This spec's rows are stamped around `epoch` and the job runs as if then: every other spec's rows
 * carry today's time, so no cutoff here ever reaches them.
 */
const epoch = new Date('2001-01-01T00:00:00Z');
const after = (ms: number) => new Date(epoch.getTime() + ms);
const seconds = (time: Date) => Math.floor(time.getTime() / 1000);

let h: PaymentsHarness;
let server: Server;
let webhookUrl: string;
/** The webhook route's clock: the tests move it. */
let routeNow = epoch;

beforeAll(async () => {
  h = await createPaymentsHarness({ scope: 'retention' });
  const route = providerWebhookRoute({ secret, toleranceSeconds: TOLERANCE_SECONDS, payments: h.services.payments, logger: h.logger, clock: () => routeNow });
  server = createServer((req, res) => void route(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/provider`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await h?.close();
});

const retentionAt = (now: Date, batchSize = 1_000) =>
  createRetentionJob({
    tasks: paymentsRetentionTasks(h.repository, { requestRetentionHours: REQUEST_RETENTION_HOURS, webhookToleranceSeconds: TOLERANCE_SECONDS }),
    logger: h.logger,
    intervalMs: 60_000,
    batchSize,
    now: () => now,
  }).runOnce();

async function requestKey(actor: string, key: string, createdAt: Date) {
  await h.db.$executeRaw`INSERT INTO payment_requests (actor, key, request_hash, created_at) VALUES (${actor}, ${key}, 'hash', ${createdAt})`;
}

async function webhookEvent(id: string, receivedAt: Date) {
  await h.db.$executeRaw`INSERT INTO webhook_events (id, type, received_at) VALUES (${id}, 'authorization.expired', ${receivedAt})`;
}

const keysOf = async (actor: string) => (await h.db.$queryRaw<{ key: string }[]>`SELECT key FROM payment_requests WHERE actor = ${actor} ORDER BY key`).map((row) => row.key);
const eventIds = async (prefix: string) =>
  (await h.db.$queryRaw<{ id: string }[]>`SELECT id FROM webhook_events WHERE starts_with(id, ${prefix}) ORDER BY id`).map((row) => row.id);

describe('payments retention', () => {
  it('deletes idempotency keys and webhook event ids once expired, in bounded batches, and nothing younger', async () => {
    const actor = `spec-${randomUUID()}`;
    const prefix = `evt_spec_${randomUUID()}_`;
    const now = after(REQUEST_RETENTION_HOURS * HOUR_MS + HOUR_MS);
    for (const key of ['old-1', 'old-2', 'old-3']) await requestKey(actor, key, epoch);
    // An hour younger than the retention age: kept.
    await requestKey(actor, 'young', after(2 * HOUR_MS));
    for (const id of ['old-1', 'old-2']) await webhookEvent(`${prefix}${id}`, epoch);
    await webhookEvent(`${prefix}young`, new Date(now.getTime() - webhookEventRetentionMs(TOLERANCE_SECONDS) + 60_000));

    // One DELETE takes at most `limit` rows.
    const cutoff = new Date(now.getTime() - REQUEST_RETENTION_HOURS * HOUR_MS);
    expect(await h.repository.deleteRequestKeys(cutoff, 2)).toBe(2);
    expect(await retentionAt(now, 2)).toEqual({ payment_requests: 1, webhook_events: 2 });
    expect(await keysOf(actor)).toEqual(['young']);
    expect(await eventIds(prefix)).toEqual([`${prefix}young`]);
    expect(await retentionAt(now)).toEqual({ payment_requests: 0, webhook_events: 0 });
  });

  it('keeps an event id while a replay of its webhook could pass the signature check, so the replay is still refused', async () => {
    // The worst case: the provider's clock a whole tolerance ahead, so the first delivery arrives at
    // `epoch` signed at epoch + tolerance, and a replay of it passes the time check until epoch + 2 × tolerance.
    const event: ProviderEvent = { id: `evt_spec_${randomUUID()}`, type: 'authorization.expired', created: seconds(epoch), data: { authorizationKey: randomUUID() } };
    const signed = h.network.signedWebhook(event, secret, seconds(epoch) + TOLERANCE_SECONDS);
    const deliver = async (at: Date) => {
      routeNow = at;
      const response = await fetch(webhookUrl, { method: 'POST', headers: signed.headers, body: signed.body });
      return { status: response.status, body: await response.json() };
    };
    expect(await deliver(epoch)).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    await h.db.$executeRaw`UPDATE webhook_events SET received_at = ${epoch} WHERE id = ${event.id}`;

    const lastAccepted = after(2 * TOLERANCE_SECONDS * 1000);
    await retentionAt(lastAccepted);
    expect(await deliver(lastAccepted)).toEqual({ status: 409, body: { code: 'PAYMENT_WEBHOOK_REPLAYED' } });
    await retentionAt(after(webhookEventRetentionMs(TOLERANCE_SECONDS) - 1));
    expect(await eventIds(event.id)).toEqual([event.id]);

    // Forgotten once past the margin: by then the same request fails the time check instead.
    const forgotten = after(webhookEventRetentionMs(TOLERANCE_SECONDS) + 1);
    await retentionAt(forgotten);
    expect(await eventIds(event.id)).toEqual([]);
    expect(await deliver(forgotten)).toEqual({ status: 401, body: { code: 'PAYMENT_WEBHOOK_TIMESTAMP_OUT_OF_RANGE' } });
    expect(await deliver(after(2 * TOLERANCE_SECONDS * 1000 + 1000))).toMatchObject({ status: 401 });
  });
});
