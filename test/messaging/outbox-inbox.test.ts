import { randomUUID } from 'node:crypto';
import { connect as connectAmqp, type ChannelModel, type ConfirmChannel } from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract, type Envelope } from '../../contracts/envelope.ts';
import { dropDatabase, ensureDatabase } from '../../scripts/lib/databases.ts';
import { testEnv } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';
import { databaseUrl, DEFAULT_RABBITMQ_URL } from '../../platform/config/load-config.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { createMessagingConnection, waitForMessaging, type AmqpConnectionManager } from '../../platform/messaging/connection.ts';
import { listDeadLetters, replayDeadLetters } from '../../platform/messaging/dead-letters.ts';
import { createInboxConsumer, defineHandler } from '../../platform/messaging/inbox-consumer.ts';
import { createOutboxRelay, writeOutbox } from '../../platform/messaging/outbox.ts';
import { MESSAGING_TABLES_SQL } from '../../platform/messaging/testing/messaging-tables.ts';
import { sqlDatabaseOver } from '../../platform/prisma/sql-pool.ts';
import { topologyNames } from '../../platform/messaging/topology.ts';

const widgetMade = defineContract('widget.made', 1, z.object({ widgetId: z.uuid(), poison: z.boolean().default(false) }));
type WidgetMade = z.infer<typeof widgetMade.payload>;

const logger = createLogger({ service: 'messaging-spec', level: testEnv.TEST_LOG_LEVEL, pretty: false });
const prefix = `test.${randomUUID().slice(0, 8)}.`;
const names = topologyNames(prefix);
const database = `${testEnv.TEST_DATABASE_PREFIX}messaging_${randomUUID().slice(0, 8)}`;

let pool: pg.Pool;
let manager: AmqpConnectionManager;
let raw: ChannelModel;
let admin: ConfirmChannel;
const extraQueues: string[] = [];

const db = () => sqlDatabaseOver(pool);

beforeAll(async () => {
  await ensureDatabase(testEnv.POSTGRES_URL, database);
  pool = new pg.Pool(poolConfigFromUrl(databaseUrl(testEnv.POSTGRES_URL, database), 10));
  await pool.query(MESSAGING_TABLES_SQL);
  await pool.query('CREATE TABLE widget (id uuid PRIMARY KEY, made_count integer NOT NULL DEFAULT 1)');
  manager = createMessagingConnection({ url: DEFAULT_RABBITMQ_URL }, logger);
  await waitForMessaging(manager);
  raw = await connectAmqp(DEFAULT_RABBITMQ_URL);
  admin = await raw.createConfirmChannel();
  await admin.assertExchange(names.events, 'topic', { durable: true });
});

afterAll(async () => {
  // Leave nothing on the broker: every queue and exchange of this spec's prefix.
  for (const queue of extraQueues) {
    await admin.deleteQueue(queue);
    await admin.deleteQueue(names.deadLetterQueue(queue));
  }
  await admin.deleteExchange(names.events);
  await admin.deleteExchange(names.deadLetters);
  await raw.close();
  await manager.close();
  await pool.end();
  await dropDatabase(testEnv.POSTGRES_URL, database);
});

/** A plain queue that records everything published to the events exchange. */
async function tapQueue(): Promise<string> {
  const queue = `${prefix}tap.${randomUUID().slice(0, 8)}`;
  extraQueues.push(queue);
  await admin.assertQueue(queue, { durable: true });
  await admin.bindQueue(queue, names.events, '#');
  return queue;
}

async function drain(queue: string): Promise<Envelope[]> {
  const seen: Envelope[] = [];
  for (;;) {
    const msg = await admin.get(queue, { noAck: true });
    if (msg === false) return seen;
    seen.push(JSON.parse(msg.content.toString('utf8')) as Envelope);
  }
}

function publishRaw(body: unknown, messageId: string = randomUUID()) {
  admin.publish(names.events, widgetMade.type, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), { persistent: true, messageId });
  return admin.waitForConfirms();
}

function envelopeOf(payload: WidgetMade, id = randomUUID()): Envelope<WidgetMade> {
  return { id, type: widgetMade.type, version: 1, occurredAt: new Date().toISOString(), correlationId: 'spec', payload };
}

describe('outbox', () => {
  it('commits a change and its outbox row together, or neither', async () => {
    const kept = randomUUID();
    const lost = randomUUID();
    await db().$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO widget (id) VALUES (${kept}::uuid)`;
      await writeOutbox(tx, widgetMade, { widgetId: kept, poison: false }, { correlationId: 'req-kept' });
    });
    await expect(
      db().$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO widget (id) VALUES (${lost}::uuid)`;
        await writeOutbox(tx, widgetMade, { widgetId: lost, poison: false }, { correlationId: 'req-lost' });
        throw new Error('the change fails after its outbox row was written');
      }),
    ).rejects.toThrow('the change fails');
    const rows = await pool.query<{ widget_id: string; correlation_id: string }>("SELECT payload->>'widgetId' AS widget_id, correlation_id FROM outbox_message");
    expect(rows.rows).toEqual([{ widget_id: kept, correlation_id: 'req-kept' }]);
    const widgets = await pool.query<{ id: string }>('SELECT id FROM widget');
    expect(widgets.rows.map((r) => r.id)).toEqual([kept]);
    await pool.query('DELETE FROM outbox_message');
  });

  it('gives messages time-ordered ids (UUIDv7), so the outbox and inbox keys grow at one end', async () => {
    const ids = await db().$transaction(async (tx) => {
      const written: string[] = [];
      for (let i = 0; i < 20; i += 1) written.push((await writeOutbox(tx, widgetMade, { widgetId: randomUUID(), poison: false }, { correlationId: `ordered-${i}` })).id);
      return written;
    });
    expect(ids.every((id) => id[14] === '7')).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    await pool.query('DELETE FROM outbox_message WHERE id = ANY($1::uuid[])', [ids]);
  });

  it('refuses a payload its contract rejects, so nothing invalid is ever queued', async () => {
    await expect(db().$transaction((tx) => writeOutbox(tx, widgetMade, { widgetId: 'nope', poison: false }, { correlationId: 'x' }))).rejects.toThrow();
  });

  it('relays every row, even when the connection drops mid-way', async () => {
    const tap = await tapQueue();
    const count = 300;
    const ids: string[] = [];
    await db().$transaction(async (tx) => {
      for (let i = 0; i < count; i += 1) ids.push((await writeOutbox(tx, widgetMade, { widgetId: randomUUID(), poison: false }, { correlationId: `req-${i}` })).id);
    });
    const relay = createOutboxRelay({ db: db(), connection: manager, prefix, logger, pollMs: 50, batchSize: 10, publishTimeoutMs: 2_000 });
    relay.start();
    const published = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_message WHERE published_at IS NOT NULL')).rows[0]?.n);
    await waitFor('some rows published', async () => (await published()) >= 20, { intervalMs: 5 });
    // Cut the broker connection under the relay, in the middle of its work.
    await manager.connection?.close();
    const atDrop = await published();
    await waitFor('every row published', async () => (await published()) === count, { timeoutMs: 30_000 });
    await relay.stop();
    expect(atDrop, 'the drop happened mid-way').toBeLessThan(count);
    const received = await waitFor('every message on the tap queue', async () => {
      const depth = (await admin.checkQueue(tap)).messageCount;
      return depth >= count ? drain(tap) : false;
    });
    const receivedIds = new Set(received.map((m) => m.id));
    expect([...receivedIds].sort()).toEqual([...ids].sort());
    // A publish cut before its confirm goes out again: at most one batch repeats per drop.
    expect(received.length - receivedIds.size).toBeLessThanOrEqual(10);
    const first = received.find((m) => m.id === ids[0]);
    expect(first).toMatchObject({ type: 'widget.made', version: 1, correlationId: 'req-0' });
  });

  it('shares the outbox between relays without publishing a row twice', async () => {
    const tap = await tapQueue();
    const count = 200;
    const ids: string[] = [];
    await db().$transaction(async (tx) => {
      for (let i = 0; i < count; i += 1) ids.push((await writeOutbox(tx, widgetMade, { widgetId: randomUUID(), poison: false }, { correlationId: `shared-${i}` })).id);
    });
    const relays = [1, 2].map(() => createOutboxRelay({ db: db(), connection: manager, prefix, logger, pollMs: 10, batchSize: 5 }));
    for (const relay of relays) relay.start();
    const unpublished = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_message WHERE published_at IS NULL')).rows[0]?.n);
    await waitFor('every row marked published', async () => (await unpublished()) === 0, { timeoutMs: 20_000 });
    await Promise.all(relays.map((relay) => relay.stop()));
    const received = await waitFor('every message on the tap queue', async () => ((await admin.checkQueue(tap)).messageCount >= count ? drain(tap) : false));
    expect(received.map((m) => m.id).sort()).toEqual([...ids].sort());
  });

  it('leaves a row claimed by a relay that died until its lease runs out, then publishes it', async () => {
    const tap = await tapQueue();
    const write = async (correlationId: string) => (await db().$transaction((tx) => writeOutbox(tx, widgetMade, { widgetId: randomUUID(), poison: false }, { correlationId }))).id;
    const orphan = await write('orphan');
    const fresh = await write('fresh');
    // What a relay leaves behind when it dies between claiming a row and publishing it.
    const { rows } = await pool.query<{ until: Date }>("UPDATE outbox_message SET claimed_until = now() + interval '1500 milliseconds' WHERE id = $1 RETURNING claimed_until AS until", [orphan]);
    const relay = createOutboxRelay({ db: db(), connection: manager, prefix, logger, pollMs: 50 });
    relay.start();
    const got: Envelope[] = [];
    const receivedOf = async (id: string) => {
      got.push(...(await drain(tap)));
      return got.some((m) => m.id === id);
    };
    await waitFor('the unclaimed row', () => receivedOf(fresh), { timeoutMs: 5_000 });
    expect(got.map((m) => m.id)).not.toContain(orphan);
    await waitFor('the orphaned row, once its lease ran out', () => receivedOf(orphan), { timeoutMs: 10_000 });
    await relay.stop();
    const published = await pool.query<{ at: Date }>('SELECT published_at AS at FROM outbox_message WHERE id = $1', [orphan]);
    expect(published.rows[0]?.at.getTime()).toBeGreaterThanOrEqual(rows[0]!.until.getTime());
    expect(got.filter((m) => m.id === orphan)).toHaveLength(1);
  });

  it('wakes on a nudge instead of waiting for the next poll', async () => {
    const tap = await tapQueue();
    const relay = createOutboxRelay({ db: db(), connection: manager, prefix, logger, pollMs: 60_000 });
    relay.start();
    // Let the first (empty) look pass, then write and nudge: the 60 s poll would time the test out.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const { id } = await db().$transaction((tx) => writeOutbox(tx, widgetMade, { widgetId: randomUUID(), poison: false }, { correlationId: 'nudge' }));
    relay.nudge();
    const got = await waitFor('the nudged message', async () => (await drain(tap)).find((m) => m.id === id), { timeoutMs: 5_000 });
    expect(got.id).toBe(id);
    await relay.stop();
  });

  it('with a batch wait, claims rows committed moments apart in a stream together', async () => {
    const relay = createOutboxRelay({ db: db(), connection: manager, prefix, logger, pollMs: 60_000, batchWaitMs: 300 });
    relay.start();
    const write = async () => {
      const { id } = await db().$transaction((tx) => writeOutbox(tx, widgetMade, { widgetId: randomUUID(), poison: false }, { correlationId: 'stream' }));
      relay.nudge();
      return id;
    };
    const publishedAt = async (ids: string[]) =>
      (await pool.query<{ at: Date | null }>('SELECT published_at AS at FROM outbox_message WHERE id = ANY($1::uuid[])', [ids])).rows.map((row) => row.at?.getTime() ?? null);
    // The first starts the stream; the two after it come within the wait.
    const first = await write();
    await waitFor('the first claimed', async () => (await pool.query('SELECT 1 FROM outbox_message WHERE id = $1 AND claimed_until IS NOT NULL', [first])).rowCount === 1);
    const pair = [await write(), await write()];
    await waitFor('both marked published', async () => !(await publishedAt(pair)).includes(null), { timeoutMs: 5_000 });
    const marks = new Set(await publishedAt(pair));
    expect(marks.size, 'one claim, so one statement marked both').toBe(1);
    await relay.stop();
  });
});

describe('inbox consumer', () => {
  const attempts = new Map<string, number>();
  /** Handlers running a widget's second try right now, and the most at once. */
  const secondTries = { now: 0, most: 0 };
  let healed = false;
  /** Widgets whose handler fails on its first try only. */
  const failsOnce = new Set<string>();
  /** Widgets whose handler waits, once it started, until the test opens their gate. */
  const gates = new Map<string, { entered: () => void; opened: Promise<void> }>();
  const gateFor = (widgetId: string) => {
    let entered!: () => void;
    let open!: () => void;
    const hasEntered = new Promise<void>((resolve) => (entered = resolve));
    gates.set(widgetId, { entered, opened: new Promise<void>((resolve) => (open = resolve)) });
    return { hasEntered, open };
  };
  const consumer = ({ alone = false, batchWaitMs = 0 } = {}) =>
    createInboxConsumer({
      db: db(),
      connection: manager,
      prefix,
      name: 'spec.widgets',
      logger,
      deliveryLimit: 3,
      retryBaseMs: 20,
      batchWaitMs,
      handlers: [
        defineHandler<WidgetMade>({
          contract: widgetMade,
          alone,
          async handle(message, tx) {
            attempts.set(message.payload.widgetId, (attempts.get(message.payload.widgetId) ?? 0) + 1);
            if (attempts.get(message.payload.widgetId) === 2) {
              secondTries.now += 1;
              secondTries.most = Math.max(secondTries.most, secondTries.now);
              await new Promise((resolve) => setImmediate(resolve));
              secondTries.now -= 1;
            }
            if (message.payload.poison && !healed) throw new Error('this widget cannot be made');
            if (failsOnce.delete(message.payload.widgetId)) throw new Error('this widget fails once');
            const gate = gates.get(message.payload.widgetId);
            if (gate) {
              gate.entered();
              await gate.opened;
            }
            await tx.$executeRaw`INSERT INTO widget (id) VALUES (${message.payload.widgetId}::uuid)
              ON CONFLICT (id) DO UPDATE SET made_count = widget.made_count + 1`;
          },
        }),
      ],
    });
  const made = async (id: string) => (await pool.query<{ made_count: number }>('SELECT made_count FROM widget WHERE id = $1', [id])).rows[0]?.made_count;

  it('handles a message delivered twice only once', async () => {
    const c = consumer();
    extraQueues.push(c.queue);
    await c.start();
    const envelope = envelopeOf({ widgetId: randomUUID(), poison: false });
    await publishRaw(envelope, envelope.id);
    await publishRaw(envelope, envelope.id);
    await waitFor('both deliveries settled', async () => (await admin.checkQueue(c.queue)).messageCount === 0 && (await made(envelope.payload.widgetId)) === 1);
    const inbox = await pool.query('SELECT 1 FROM inbox_message WHERE message_id = $1', [envelope.id]);
    await c.stop();
    expect(inbox.rowCount).toBe(1);
    expect(await made(envelope.payload.widgetId)).toBe(1);
  });

  it('parks a message that keeps failing in the DLQ after N tries, and replays it', async () => {
    healed = false;
    const c = consumer();
    await c.start();
    const poison = envelopeOf({ widgetId: randomUUID(), poison: true });
    await publishRaw(poison, poison.id);
    const dlq = names.deadLetterQueue(c.queue);
    await waitFor('the poison message in the DLQ', async () => (await admin.checkQueue(dlq)).messageCount === 1);
    expect(attempts.get(poison.payload.widgetId), 'tried exactly deliveryLimit times').toBe(3);
    expect(await made(poison.payload.widgetId)).toBeUndefined();
    const parked = await listDeadLetters(admin, c.queue);
    expect(parked).toEqual([expect.objectContaining({ messageId: poison.id, reason: 'rejected' })]);
    expect((await admin.checkQueue(dlq)).messageCount, 'listing leaves them parked').toBe(1);

    healed = true;
    const replayed = await replayDeadLetters(admin, c.queue, [poison.id]);
    expect(replayed.map((m) => m.messageId)).toEqual([poison.id]);
    await waitFor('the replayed message handled', async () => (await made(poison.payload.widgetId)) === 1);
    expect((await admin.checkQueue(dlq)).messageCount).toBe(0);
    await c.stop();
  });

  it('handles every message once when the connection drops while it consumes', async () => {
    healed = true;
    const c = consumer();
    await c.start();
    const envelopes = Array.from({ length: 60 }, () => envelopeOf({ widgetId: randomUUID(), poison: false }));
    for (const envelope of envelopes) admin.publish(names.events, widgetMade.type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: envelope.id });
    await admin.waitForConfirms();
    const handledCount = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM widget WHERE id = ANY($1::uuid[])', [envelopes.map((e) => e.payload.widgetId)])).rows[0]?.n);
    await waitFor('some handled', async () => (await handledCount()) >= 5, { intervalMs: 5 });
    // Deliveries in flight on the old channel are requeued by the broker; the inbox skips any
    // whose transaction had already committed.
    await manager.connection?.close();
    await waitFor('all handled and the queue drained', async () => (await handledCount()) === envelopes.length && (await admin.checkQueue(c.queue)).messageCount === 0, { timeoutMs: 20_000 });
    const counts = await pool.query<{ made_count: number }>('SELECT made_count FROM widget WHERE id = ANY($1::uuid[])', [envelopes.map((e) => e.payload.widgetId)]);
    expect(counts.rows.every((r) => r.made_count === 1)).toBe(true);
    await c.stop();
  });

  it('handles the messages that wait for a batch as the next batch, in one transaction; when one fails, that batch rolls back and each is handled alone', async () => {
    healed = true;
    const c = consumer();
    await c.start();
    const publishAll = async (envelopes: Envelope<WidgetMade>[]) => {
      for (const envelope of envelopes) admin.publish(names.events, widgetMade.type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: envelope.id });
      await admin.waitForConfirms();
    };
    const handledIn = async (envelopes: Envelope<WidgetMade>[]) =>
      (await pool.query('SELECT 1 FROM widget WHERE id = ANY($1::uuid[])', [envelopes.map((e) => e.payload.widgetId)])).rowCount;
    // A batch held open by its gate: what arrives meanwhile waits for it.
    const heldBatch = async (behind: Envelope<WidgetMade>[]) => {
      const holder = envelopeOf({ widgetId: randomUUID(), poison: false });
      const gate = gateFor(holder.payload.widgetId);
      await publishAll([holder]);
      await gate.hasEntered;
      await publishAll(behind);
      await waitFor('all waiting in the consumer', async () => c.backlog() === behind.length);
      gate.open();
      await waitFor('all handled', async () => (await handledIn(behind)) === behind.length);
    };

    const together = Array.from({ length: 6 }, () => envelopeOf({ widgetId: randomUUID(), poison: false }));
    await heldBatch(together);
    const transactions = await pool.query<{ n: string }>('SELECT count(DISTINCT handled_at) AS n FROM inbox_message WHERE message_id = ANY($1::uuid[])', [together.map((e) => e.id)]);
    expect(Number(transactions.rows[0]?.n), 'one transaction, so one now() for every inbox row').toBe(1);
    for (const envelope of together) expect(attempts.get(envelope.payload.widgetId)).toBe(1);

    const withFlaky = Array.from({ length: 6 }, () => envelopeOf({ widgetId: randomUUID(), poison: false }));
    failsOnce.add(withFlaky[2]!.payload.widgetId);
    secondTries.most = 0;
    await heldBatch(withFlaky);
    for (const envelope of withFlaky) expect(await made(envelope.payload.widgetId), 'each made exactly once').toBe(1);
    // The batch rolled back on the flaky one; then each was handled alone (its second try succeeds),
    // one after the other.
    for (const envelope of withFlaky) expect(attempts.get(envelope.payload.widgetId), 'in the batch, then alone').toBe(2);
    expect(secondTries.most, 'the messages of a failed batch one at a time').toBe(1);
    await c.stop();

    // A handler marked `alone` never shares a transaction: the flaky one fails by itself.
    const aloneConsumer = consumer({ alone: true });
    await aloneConsumer.start();
    const single = Array.from({ length: 6 }, () => envelopeOf({ widgetId: randomUUID(), poison: false }));
    failsOnce.add(single[2]!.payload.widgetId);
    await publishAll(single);
    await waitFor('all six handled', async () => (await handledIn(single)) === single.length);
    expect(single.map((envelope) => attempts.get(envelope.payload.widgetId))).toEqual([1, 1, 2, 1, 1, 1]);
    await aloneConsumer.stop();
  });

  it('with a batch wait, handles messages that come moments apart in a stream in one transaction', async () => {
    healed = true;
    const c = consumer({ batchWaitMs: 300 });
    await c.start();
    const handledAt = async (envelopes: Envelope<WidgetMade>[]) =>
      (await pool.query<{ at: Date }>('SELECT handled_at AS at FROM inbox_message WHERE message_id = ANY($1::uuid[])', [envelopes.map((e) => e.id)])).rows.map((row) =>
        row.at.getTime(),
      );
    // The first starts the stream; the three after it, a few milliseconds apart, come within the wait.
    const first = envelopeOf({ widgetId: randomUUID(), poison: false });
    await publishRaw(first, first.id);
    await waitFor('the first handled', async () => (await handledAt([first])).length === 1);
    const stream = Array.from({ length: 3 }, () => envelopeOf({ widgetId: randomUUID(), poison: false }));
    for (const envelope of stream) await publishRaw(envelope, envelope.id);
    await waitFor('the three handled', async () => (await handledAt(stream)).length === 3);
    expect(new Set(await handledAt(stream)).size, 'one transaction, so one now() for every inbox row').toBe(1);
    await c.stop();
  });

  it('batches the contracts of one batch group together, and each other contract alone', async () => {
    healed = true;
    // Contracts of this spec alone: the other specs' queue for widget.made must not see these.
    const widgetBoxed = defineContract('widget.boxed', 1, z.object({ widgetId: z.uuid() }));
    const widgetPainted = defineContract('widget.painted', 1, z.object({ widgetId: z.uuid() }));
    const twoContracts = (name: string, batchGroup: string | undefined) =>
      createInboxConsumer({
        db: db(),
        connection: manager,
        prefix,
        name,
        logger,
        deliveryLimit: 3,
        handlers: [
          defineHandler<{ widgetId: string }>({
            contract: widgetBoxed,
            batchGroup,
            async handle(message, tx) {
              const gate = gates.get(message.payload.widgetId);
              if (gate) {
                gate.entered();
                await gate.opened;
              }
              await tx.$executeRaw`INSERT INTO widget (id) VALUES (${message.payload.widgetId}::uuid)`;
            },
          }),
          defineHandler<{ widgetId: string }>({
            contract: widgetPainted,
            batchGroup,
            handle: async (message, tx) => void (await tx.$executeRaw`INSERT INTO widget (id) VALUES (${message.payload.widgetId}::uuid)`),
          }),
        ],
      });
    /** Publishes one message of `type` per widget; their message ids. */
    const publish = async (type: string, widgetIds: string[]) => {
      const envelopes = widgetIds.map((widgetId) => ({ ...envelopeOf({ widgetId, poison: false }), type }));
      for (const envelope of envelopes) admin.publish(names.events, type, Buffer.from(JSON.stringify(envelope)), { persistent: true, messageId: envelope.id });
      await admin.waitForConfirms();
      return envelopes.map((envelope) => envelope.id);
    };
    /** Holds a widget.boxed batch open while three widget.boxed and three widget.painted arrive; how many transactions handled those six. */
    const transactionsFor = async (batchGroup: string | undefined) => {
      const c = twoContracts(`spec.steps-${randomUUID().slice(0, 8)}`, batchGroup);
      extraQueues.push(c.queue);
      await c.start();
      const holder = randomUUID();
      const gate = gateFor(holder);
      await publish(widgetBoxed.type, [holder]);
      await gate.hasEntered;
      const behind = [
        ...(await publish(widgetBoxed.type, [randomUUID(), randomUUID(), randomUUID()])),
        ...(await publish(widgetPainted.type, [randomUUID(), randomUUID(), randomUUID()])),
      ];
      // Ungrouped, the three widget.painted are another contract's batch and need not wait.
      await waitFor('the messages behind the held batch waiting', async () => c.backlog() === (batchGroup ? 6 : 3));
      gate.open();
      const handledAt = () => pool.query<{ at: Date }>('SELECT handled_at AS at FROM inbox_message WHERE message_id = ANY($1::uuid[])', [behind]);
      const rows = await waitFor('all six handled', async () => ((await handledAt()).rowCount === 6 ? (await handledAt()).rows : false));
      await c.stop();
      return new Set(rows.map((row) => row.at.getTime())).size;
    };
    expect(await transactionsFor('widgets'), 'one group: one transaction for both contracts').toBe(1);
    expect(await transactionsFor(undefined), 'no group: a transaction per contract at least').toBeGreaterThan(1);
  });

  it('sends an invalid envelope or payload straight to the DLQ without trying the handler', async () => {
    const c = consumer();
    await c.start();
    const before = attempts.size;
    await publishRaw('not json');
    await publishRaw({ ...envelopeOf({ widgetId: randomUUID(), poison: false }), id: 'not-a-uuid' });
    await publishRaw({ ...envelopeOf({ widgetId: randomUUID(), poison: false }), payload: { widgetId: 42 } });
    const dlq = names.deadLetterQueue(c.queue);
    await waitFor('three invalid messages in the DLQ', async () => (await admin.checkQueue(dlq)).messageCount === 3);
    expect(attempts.size).toBe(before);
    await admin.purgeQueue(dlq);
    await c.stop();
  });
});
