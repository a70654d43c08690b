import { randomUUID } from 'node:crypto';
import { connect as connectAmqp, type ChannelModel, type ConfirmChannel, type Message } from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../contracts/envelope.ts';
import { vendorReinstatedV1, vendorSuspendedV1 } from '../../contracts/vendor.ts';
import { databaseUrl } from '../../platform/config/load-config.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { createMessagingConnection, waitForMessaging, type AmqpConnectionManager } from '../../platform/messaging/connection.ts';
import { createInboxConsumer, defineHandler, type InboxConsumer } from '../../platform/messaging/inbox-consumer.ts';
import { startConsumer } from '../../platform/messaging/start-consumer.ts';
import { MESSAGING_TABLES_SQL } from '../../platform/messaging/testing/messaging-tables.ts';
import { sqlDatabaseOver } from '../../platform/prisma/sql-pool.ts';
import { deleteTestTopology } from '../../platform/messaging/testing/topology-cleanup.ts';
import { declareTopology, topologyNames } from '../../platform/messaging/topology.ts';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { dropDatabase, ensureDatabase } from '../../scripts/lib/databases.ts';
import { MESSAGE_CONSUMER_NAMES, MESSAGE_CONSUMERS } from '../../subgraphs/registry.ts';
import { testEnv, testMessagingPrefix } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A fresh deployment, where nothing ever consumed yet: the declaration `npm run db:migrate` makes
 * before any process runs (declareTopology over MESSAGE_CONSUMERS) must leave no event without a
 * queue. Published before its consumer ever started, an event waits in the consumer's queue, and
 * the consumer started afterwards (declaring its queue again with its own arguments) handles it.
 */
const logger = createLogger({ service: 'topology-spec', level: testEnv.TEST_LOG_LEVEL, pretty: false });
const prefix = testMessagingPrefix('topology');
const names = topologyNames(prefix);
const DELIVERY_LIMIT = 3;
const database = `${testEnv.TEST_DATABASE_PREFIX}topology_${randomUUID().slice(0, 8)}`;

let raw: ChannelModel;
let publisher: ConfirmChannel;
let manager: AmqpConnectionManager;
let pool: pg.Pool;
let consumer: InboxConsumer | null = null;
/** Routing keys of what the broker handed back as unroutable (published `mandatory`). */
const unroutable: string[] = [];

beforeAll(async () => {
  await ensureDatabase(testEnv.POSTGRES_URL, database);
  pool = new pg.Pool(poolConfigFromUrl(databaseUrl(testEnv.POSTGRES_URL, database), 4));
  await pool.query(MESSAGING_TABLES_SQL);
  manager = createMessagingConnection({ url: testEnv.RABBITMQ_URL }, logger);
  await waitForMessaging(manager);
  raw = await connectAmqp(testEnv.RABBITMQ_URL);
  publisher = await raw.createConfirmChannel();
  publisher.on('return', (message: Message) => unroutable.push(message.fields.routingKey));

  // What db:migrate does on a fresh deployment, before any service starts.
  await declareTopology(
    testEnv.RABBITMQ_URL,
    prefix,
    MESSAGE_CONSUMERS.map((declared) => ({ ...declared, deliveryLimit: DELIVERY_LIMIT })),
  );
});

afterAll(async () => {
  await consumer?.stop();
  await raw?.close();
  await manager?.close();
  await pool?.end();
  await deleteTestTopology(testEnv.RABBITMQ_URL, prefix, MESSAGE_CONSUMER_NAMES);
  await dropDatabase(testEnv.POSTGRES_URL, database);
});

/** Publishes to the events exchange as an outbox relay does, asking the broker to return it if no queue takes it. */
async function publish(type: string, body: unknown): Promise<void> {
  publisher.publish(names.events, type, Buffer.from(JSON.stringify(body)), { persistent: true, mandatory: true, messageId: randomUUID() });
  // A return comes before the confirm of its message.
  await publisher.waitForConfirms();
}

describe('the topology declared before any process runs', () => {
  it('routes every message type a consumer binds to that consumer’s queue before it ever started', async () => {
    const types = [...new Set(MESSAGE_CONSUMERS.flatMap((declared) => declared.bindings))];
    for (const type of types) await publish(type, { type });
    expect(unroutable, 'published with no queue bound').toEqual([]);

    for (const declared of MESSAGE_CONSUMERS) {
      const queue = names.consumerQueue(declared.name);
      const received: string[] = [];
      await waitFor(`${queue} to hold ${declared.bindings.join(', ')}`, async () => {
        for (let message = await publisher.get(queue, { noAck: true }); message !== false; message = await publisher.get(queue, { noAck: true })) {
          received.push(message.fields.routingKey);
        }
        return received.length >= declared.bindings.length;
      });
      expect(received.sort(), queue).toEqual([...declared.bindings].sort());
    }
  });

  it('keeps an event published before its consumer first started, for the consumer to handle once it starts', async () => {
    const returnedBefore = unroutable.length;
    const vendorId = randomUUID();
    const envelope: Envelope = { id: randomUUID(), type: vendorSuspendedV1.type, version: 1, occurredAt: new Date().toISOString(), correlationId: 'topology-spec', payload: { vendorId } };
    await publish(vendorSuspendedV1.type, envelope);
    expect(unroutable.slice(returnedBefore), 'published with no queue bound').toEqual([]);

    const handled: string[] = [];
    const record = async (message: Envelope<{ vendorId: string }>) => void handled.push(`${message.type} ${message.payload.vendorId}`);
    consumer = createInboxConsumer({
      db: sqlDatabaseOver(pool),
      connection: manager,
      prefix,
      name: 'catalog.vendor-status',
      handlers: [defineHandler({ contract: vendorSuspendedV1, handle: record }), defineHandler({ contract: vendorReinstatedV1, handle: record })],
      logger,
      // The limit the queue was declared with: the consumer's own declaration must find it equal.
      deliveryLimit: DELIVERY_LIMIT,
    });
    await startConsumer(consumer, logger);
    await waitFor('the consumer to handle the event published before it started', () => handled.length > 0);
    expect(handled).toEqual([`vendor.suspended ${vendorId}`]);
  });
});
