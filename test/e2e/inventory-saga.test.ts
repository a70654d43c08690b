import { randomUUID } from 'node:crypto';
import { connect as connectAmqp, type ChannelModel, type ConfirmChannel } from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitStockV1, releaseStockV1, reserveStockV1, type PayloadOf } from '../../contracts/index.ts';
import type { Envelope, MessageContract } from '../../contracts/envelope.ts';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { deleteTestTopology } from '../../platform/messaging/testing/topology-cleanup.ts';
import { topologyNames } from '../../platform/messaging/topology.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl, testEnv, testMessagingPrefix } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Issue 9, the inventory side of the checkout saga with messages really through RabbitMQ: commands
 * published to the events exchange as orders will publish them, inventory's `inventory.saga`
 * consumer handling them, and its replies leaving through its outbox relay, read back from a queue
 * bound to `inventory.#`. Stock is read straight from inventory's database.
 */
const prefix = testMessagingPrefix('inv-saga');
const names = topologyNames(prefix);
const tap = `${prefix}tap`;
let platform: TestPlatform;
let db: pg.Client;
let amqp: ChannelModel;
let channel: ConfirmChannel;
let location: string;
/** Every reply seen so far, by order id (drained from the tap queue as tests wait). */
const replies = new Map<string, Envelope<Record<string, unknown>>[]>();

beforeAll(async () => {
  // Inventory's exchanges and queues under this file's own prefix, so the commands reach only it.
  platform = await bootPlatform({ env: { inventory: { MESSAGING_PREFIX: prefix, OUTBOX_POLL_MS: '50' } } });
  db = new pg.Client(poolConfigFromUrl(testDatabaseUrl('inventory')));
  await db.connect();
  amqp = await connectAmqp(testEnv.RABBITMQ_URL);
  channel = await amqp.createConfirmChannel();
  await channel.assertQueue(tap, { durable: false, autoDelete: false });
  await channel.bindQueue(tap, names.events, 'inventory.*');
  location = randomUUID();
  await db.query('INSERT INTO locations (id, code, name) VALUES ($1, $2, $3)', [location, `SAGA-${randomUUID().slice(0, 6).toUpperCase()}`, 'Saga warehouse']);
});

afterAll(async () => {
  await channel?.deleteQueue(tap);
  await amqp?.close();
  await db?.end();
  await platform?.close();
  await deleteTestTopology(testEnv.RABBITMQ_URL, prefix, ['inventory.saga']);
});

async function stockOf(variantId: string, onHand: number): Promise<void> {
  await db.query('INSERT INTO variant_owners (variant_id, vendor_id) VALUES ($1, $2)', [variantId, randomUUID()]);
  await db.query('INSERT INTO stock_items (id, variant_id, location_id, on_hand, reserved) VALUES ($1, $2, $3, $4, 0)', [randomUUID(), variantId, location, onHand]);
}

async function stored(variantId: string): Promise<{ onHand: number; reserved: number }> {
  const { rows } = await db.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM stock_items WHERE variant_id = $1', [variantId]);
  return { onHand: rows[0]?.on_hand ?? -1, reserved: rows[0]?.reserved ?? -1 };
}

async function send<T>(contract: MessageContract<string, T>, payload: T, id: string = randomUUID()): Promise<string> {
  const envelope: Envelope<T> = { id, type: contract.type, version: contract.version, occurredAt: new Date().toISOString(), correlationId: `e2e-${id}`, payload };
  channel.publish(names.events, contract.type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: id, contentType: 'application/json' });
  await channel.waitForConfirms();
  return id;
}

const COMMANDS = new Set<string>([reserveStockV1.type, commitStockV1.type, releaseStockV1.type]);

async function drain(): Promise<void> {
  for (;;) {
    const msg = await channel.get(tap, { noAck: true });
    if (msg === false) return;
    const envelope = JSON.parse(msg.content.toString('utf8')) as Envelope<Record<string, unknown>>;
    // The tap hears the commands this file sends too (they share the `inventory.` prefix).
    if (COMMANDS.has(envelope.type)) continue;
    const orderId = String(envelope.payload.orderId ?? envelope.payload.variantId);
    replies.set(orderId, [...(replies.get(orderId) ?? []), envelope]);
  }
}

/** Waits until the order has `count` replies, and returns them. */
async function repliesFor(orderId: string, count = 1): Promise<Envelope<Record<string, unknown>>[]> {
  return waitFor(`${count} replies for order ${orderId}`, async () => {
    await drain();
    const seen = replies.get(orderId) ?? [];
    return seen.length >= count ? seen : false;
  }, { timeoutMs: 15_000 });
}

const reserve = (orderId: string, variantId: string, quantity: number): PayloadOf<typeof reserveStockV1> => ({ orderId, lines: [{ variantId, quantity }], ttlSeconds: 600 });

describe('inventory in the checkout saga, over RabbitMQ', () => {
  it('reserve → stock_reserved; commit → stock_committed, on hand down; release → stock_released, returned on hand', async () => {
    const variant = randomUUID();
    await stockOf(variant, 8);
    const orderId = randomUUID();
    const commandId = await send(reserveStockV1, reserve(orderId, variant, 3));
    const [reserved] = await repliesFor(orderId, 1);
    expect(reserved).toMatchObject({ type: 'inventory.stock_reserved', correlationId: `e2e-${commandId}`, payload: { orderId } });
    expect(await stored(variant)).toEqual({ onHand: 8, reserved: 3 });

    await send(commitStockV1, { orderId });
    const committed = (await repliesFor(orderId, 2))[1];
    expect(committed).toMatchObject({ type: 'inventory.stock_committed', payload: { orderId } });
    expect(await stored(variant)).toEqual({ onHand: 5, reserved: 0 });

    await send(releaseStockV1, { orderId, reason: 'customer cancelled before shipment' });
    const released = (await repliesFor(orderId, 3))[2];
    expect(released).toMatchObject({ type: 'inventory.stock_released', payload: { orderId, returned: true } });
    expect(await stored(variant)).toEqual({ onHand: 8, reserved: 0 });
  });

  it('handles a duplicate command once: one hold, one reply', async () => {
    const variant = randomUUID();
    await stockOf(variant, 5);
    const orderId = randomUUID();
    const id = randomUUID();
    await send(reserveStockV1, reserve(orderId, variant, 2), id);
    await repliesFor(orderId, 1);
    // Redelivered after the first was handled (a relay that lost its confirm sends it again).
    await send(reserveStockV1, reserve(orderId, variant, 2), id);
    // A command sent after the duplicate: once it is answered, the duplicate has been taken too.
    const marker = randomUUID();
    await send(releaseStockV1, { orderId: marker, reason: 'marker' });
    await repliesFor(marker, 1);
    expect((replies.get(orderId) ?? []).map((reply) => reply.type)).toEqual(['inventory.stock_reserved']);
    expect(await stored(variant)).toEqual({ onHand: 5, reserved: 2 });
  });

  it('a release that arrives before its reserve leaves a tombstone: the late reserve holds nothing', async () => {
    const variant = randomUUID();
    await stockOf(variant, 5);
    const orderId = randomUUID();
    await send(releaseStockV1, { orderId, reason: 'payment timed out' });
    expect((await repliesFor(orderId, 1))[0]).toMatchObject({ type: 'inventory.stock_released', payload: { orderId, returned: false } });
    await send(reserveStockV1, reserve(orderId, variant, 2));
    expect((await repliesFor(orderId, 2))[1]).toMatchObject({ type: 'inventory.stock_released', payload: { orderId, returned: false } });
    expect(await stored(variant)).toEqual({ onHand: 5, reserved: 0 });
    // And a commit for it is refused: the order must be compensated, not confirmed.
    await send(commitStockV1, { orderId });
    expect((await repliesFor(orderId, 3))[2]).toMatchObject({ type: 'inventory.commit_failed', payload: { orderId, reason: 'RESERVATION_ILLEGAL_TRANSITION' } });
  });

  it('100 concurrent reserve commands for the last 10 units: exactly 10 reserved, 90 refused with the shortage, never oversold', async () => {
    const variant = randomUUID();
    await stockOf(variant, 10);
    const orders = Array.from({ length: 100 }, () => randomUUID());
    await Promise.all(orders.map((orderId) => send(reserveStockV1, reserve(orderId, variant, 1))));
    const answers = await waitFor('a reply to every order', async () => {
      await drain();
      const got = orders.map((orderId) => replies.get(orderId)?.[0]);
      return got.every(Boolean) ? got : false;
    }, { timeoutMs: 30_000 });
    const types = answers.map((reply) => reply?.type);
    expect(types.filter((type) => type === 'inventory.stock_reserved')).toHaveLength(10);
    expect(types.filter((type) => type === 'inventory.reservation_failed')).toHaveLength(90);
    const refused = answers.find((reply) => reply?.type === 'inventory.reservation_failed');
    expect(refused?.payload).toMatchObject({ reason: 'STOCK_INSUFFICIENT', shortages: [{ variantId: variant, requested: 1, available: 0 }] });
    expect(await stored(variant)).toEqual({ onHand: 10, reserved: 10 });
    // The fall crossed the default threshold (5) once: one low-stock alert for the variant, written
    // in the transaction of the hold that crossed it (so published before the last replies).
    await drain();
    const alerts = replies.get(variant) ?? [];
    expect(alerts.map((alert) => alert.type)).toEqual(['inventory.low_stock']);
    expect(alerts[0]?.payload).toMatchObject({ variantId: variant, threshold: 5 });
    expect(Number(alerts[0]?.payload.available)).toBeLessThanOrEqual(5);
  });
});
