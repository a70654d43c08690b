import type { Channel, ConfirmChannel, GetMessage } from 'amqplib';
import { topologyNames } from './topology.ts';

/** One parked message, as `npm run dlq:list` shows it. */
export interface DeadLetter {
  messageId: string | undefined;
  type: string | undefined;
  correlationId: string | undefined;
  /** Why the broker parked it (`rejected`: invalid or out of tries; `delivery_limit`: the broker's cap). */
  reason: string | undefined;
  /** How often it was delivered before that, when the broker says. */
  deliveries: number | undefined;
}

function describe(msg: GetMessage): DeadLetter {
  const headers: Record<string, unknown> = msg.properties.headers ?? {};
  const reason = headers['x-first-death-reason'];
  const deliveries = headers['x-delivery-count'];
  return {
    messageId: msg.properties.messageId as string | undefined,
    type: msg.properties.type as string | undefined,
    correlationId: msg.properties.correlationId as string | undefined,
    reason: typeof reason === 'string' ? reason : undefined,
    deliveries: typeof deliveries === 'number' ? deliveries : undefined,
  };
}

/**
 * Takes every message of a queue without acking, lets `visit` decide, then returns the rest to
 * the queue in one go (returning them one by one would hand the same message back to us).
 */
async function sweep(channel: Channel | ConfirmChannel, queue: string, visit: (msg: GetMessage) => Promise<boolean>): Promise<void> {
  const kept: GetMessage[] = [];
  try {
    for (;;) {
      const msg = await channel.get(queue, { noAck: false });
      if (msg === false) break;
      if (await visit(msg)) channel.ack(msg);
      else kept.push(msg);
    }
  } finally {
    for (const msg of kept) channel.nack(msg, false, true);
  }
}

/** The messages parked in a consumer queue's dead-letter queue (they stay there). */
export async function listDeadLetters(channel: Channel | ConfirmChannel, queue: string): Promise<DeadLetter[]> {
  const dlq = topologyNames('').deadLetterQueue(queue);
  await channel.checkQueue(dlq);
  const found: DeadLetter[] = [];
  await sweep(channel, dlq, async (msg) => {
    found.push(describe(msg));
    return false;
  });
  return found;
}

/**
 * Sends parked messages back to their consumer queue (all, or those whose messageId is in
 * `ids`), with their id and properties, confirmed before each leaves the DLQ: a replay that
 * dies half-way leaves a message in one queue or both, never in none. The consumer's inbox
 * makes a doubly replayed message harmless.
 */
export async function replayDeadLetters(channel: ConfirmChannel, queue: string, ids?: readonly string[]): Promise<DeadLetter[]> {
  const dlq = topologyNames('').deadLetterQueue(queue);
  await channel.checkQueue(queue);
  await channel.checkQueue(dlq);
  const wanted = ids && ids.length > 0 ? new Set(ids) : null;
  const replayed: DeadLetter[] = [];
  await sweep(channel, dlq, async (msg) => {
    const id = msg.properties.messageId as string | undefined;
    if (wanted && (!id || !wanted.has(id))) return false;
    const { headers, ...properties } = msg.properties;
    // Drop the broker's bookkeeping so the replayed message starts with a fresh count of tries.
    const kept = Object.fromEntries(Object.entries(headers ?? {}).filter(([key]) => !key.startsWith('x-')));
    channel.sendToQueue(queue, msg.content, { ...stripUndefined(properties), headers: kept, persistent: true });
    await channel.waitForConfirms();
    replayed.push(describe(msg));
    return true;
  });
  return replayed;
}

function stripUndefined(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined && value !== null));
}
