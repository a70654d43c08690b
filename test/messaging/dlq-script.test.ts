import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEnv } from '../../platform/config/load-config.ts';
import { assertConsumerQueue, topologyNames } from '../../platform/messaging/topology.ts';
import { deleteTestTopology } from '../../platform/messaging/testing/topology-cleanup.ts';
import { testEnv } from '../support/test-env.ts';

/** `npm run dlq:list` and `npm run dlq:replay` as an operator runs them, against a topology of this test's own. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const prefix = `test.${randomUUID().slice(0, 8)}.`;
const consumer = 'spec.parked';
const names = topologyNames(prefix);
const queue = names.consumerQueue(consumer);
let connection: ChannelModel;
let channel: ConfirmChannel;

const dlq = (...args: string[]) =>
  run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/dlq.ts', ...args], {
    cwd: ROOT,
    env: { ...processEnv(), RABBITMQ_URL: testEnv.RABBITMQ_URL, MESSAGING_PREFIX: prefix },
    encoding: 'utf8',
  });

beforeAll(async () => {
  connection = await connect(testEnv.RABBITMQ_URL);
  channel = await connection.createConfirmChannel();
  await assertConsumerQueue(channel, prefix, consumer, { bindings: ['widget.made'], deliveryLimit: 3 });
});
afterAll(async () => {
  await connection?.close();
  await deleteTestTopology(testEnv.RABBITMQ_URL, prefix, [consumer]);
});

describe('npm run dlq:*', () => {
  it('lists parked messages without taking them, and replays only the ids asked for', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    for (const id of [first, second]) channel.sendToQueue(names.deadLetterQueue(queue), Buffer.from('{}'), { messageId: id, type: 'widget.made', persistent: true });
    await channel.waitForConfirms();

    const listed = await dlq('list', consumer);
    expect(listed.stdout).toContain(`${queue}.dlq: 2 message(s)`);
    expect(listed.stdout).toContain(first);
    expect(listed.stdout).toContain(second);
    expect((await channel.checkQueue(names.deadLetterQueue(queue))).messageCount).toBe(2);

    const replayed = await dlq('replay', queue, '--id', second);
    expect(replayed.stdout).toContain(`replayed 1 message(s) to ${queue}`);
    expect((await channel.checkQueue(names.deadLetterQueue(queue))).messageCount).toBe(1);
    const back = await channel.get(queue, { noAck: true });
    expect(back && back.properties.messageId).toBe(second);
  }, 60_000);
});
