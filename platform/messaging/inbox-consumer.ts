import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { envelopeSchema, type Envelope, type MessageContract } from '../../contracts/envelope.ts';
import type { Logger } from '../logging/logger.ts';
import type { AmqpConnectionManager } from './connection.ts';
import type { SqlClient, TransactionalSqlClient } from './sql.ts';
import { assertConsumerQueue, brokerDeliveryLimit } from './topology.ts';

/** What a consumer does with one contract's messages. */
export interface MessageHandler<TPayload = unknown> {
  contract: MessageContract<string, TPayload>;
  /** Runs inside the transaction that records the message as handled: write through `tx` only. */
  handle(message: Envelope<TPayload>, tx: SqlClient): Promise<void>;
  /** After commit (cache invalidation, nudges); a failure here is logged, the message stays handled. */
  afterCommit?(message: Envelope<TPayload>): Promise<void>;
}

/** Types a handler's payload by its contract; the result goes in a consumer's list with the others. */
export function defineHandler<TPayload>(handler: MessageHandler<TPayload>): MessageHandler {
  return handler;
}

export interface InboxConsumerOptions {
  db: TransactionalSqlClient;
  connection: AmqpConnectionManager;
  prefix: string;
  /** The consumer's name, unique per deployment: its queue is `<prefix><name>`, its inbox rows carry it. */
  name: string;
  handlers: MessageHandler[];
  logger: Logger;
  /** Tries per message, the first included, before it goes to the dead-letter queue. */
  deliveryLimit: number;
  prefetch?: number;
  /** First retry delay; doubles per try up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface InboxConsumer {
  /** Declares the topology and starts consuming; resolves once the queue exists. */
  start(): Promise<void>;
  /** Stops taking messages, lets handlers in flight finish and returns delayed retries to the queue. */
  stop(): Promise<void>;
  /** The consumer's name (InboxConsumerOptions.name). */
  readonly name: string;
  /** The consumer's queue name. */
  readonly queue: string;
}

class PoisonMessage extends Error {
  override name = 'PoisonMessage';
}

/**
 * An idempotent consumer: a message is validated (envelope, then its contract's payload; an
 * invalid one goes straight to the dead-letter queue, retrying cannot fix it), skipped when its
 * id is already in `inbox_message`, otherwise handled in one transaction with its inbox row. A
 * failing handler is retried after a growing delay (the message is held, then returned to the
 * queue) until `deliveryLimit` tries, then dead-lettered. The queue's `x-delivery-limit`
 * backs this up for a process that crashes on a message every time.
 */
export function createInboxConsumer(options: InboxConsumerOptions): InboxConsumer {
  const log = options.logger.child({ component: 'inbox-consumer', consumer: options.name });
  const retryBaseMs = options.retryBaseMs ?? 200;
  const retryMaxMs = options.retryMaxMs ?? 10_000;
  const handlers = new Map(options.handlers.map((h) => [`${h.contract.type}@${h.contract.version}`, h]));
  const bindings = [...new Set(options.handlers.map((h) => h.contract.type))];
  const queue = `${options.prefix}${options.name}`;
  let channel: ChannelWrapper | null = null;
  let stopping = false;
  // The consumer tag on each underlying channel, to cancel on stop.
  const consumerTags = new Map<ConfirmChannel, string>();
  const inFlight = new Set<Promise<void>>();
  const pendingRetries = new Map<NodeJS.Timeout, () => void>();

  /**
   * Settles on the channel that delivered: delivery tags belong to it. After a reconnect the
   * broker has already returned that channel's unsettled messages to the queue, and acking an old
   * tag on the new channel would close it, so a closed channel's settle is dropped.
   */
  const settle = (ch: ConfirmChannel, msg: ConsumeMessage, action: 'ack' | 'retry' | 'dead-letter') => {
    try {
      if (action === 'ack') ch.ack(msg);
      else ch.nack(msg, false, action === 'retry');
    } catch (error) {
      log.debug({ messageId: msg.properties.messageId, err: (error as Error).message }, 'delivering channel closed; the broker redelivers');
    }
  };

  const parse = (msg: ConsumeMessage): { envelope: Envelope; handler: MessageHandler } => {
    let body: unknown;
    try {
      body = JSON.parse(msg.content.toString('utf8'));
    } catch {
      throw new PoisonMessage('body is not JSON');
    }
    const envelope = envelopeSchema.safeParse(body);
    if (!envelope.success) throw new PoisonMessage(`invalid envelope: ${envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const handler = handlers.get(`${envelope.data.type}@${envelope.data.version}`);
    if (!handler) throw new PoisonMessage(`no handler for ${envelope.data.type} v${envelope.data.version}`);
    const payload = handler.contract.payload.safeParse(envelope.data.payload);
    if (!payload.success) throw new PoisonMessage(`invalid payload: ${payload.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return { envelope: { ...envelope.data, payload: payload.data }, handler };
  };

  const process = async (ch: ConfirmChannel, msg: ConsumeMessage) => {
    let parsed: { envelope: Envelope; handler: MessageHandler };
    try {
      parsed = parse(msg);
    } catch (error) {
      log.warn({ messageId: msg.properties.messageId, err: (error as Error).message }, 'invalid message sent to the dead-letter queue');
      settle(ch, msg, 'dead-letter');
      return;
    }
    const { envelope, handler } = parsed;
    const fields = { messageId: envelope.id, type: envelope.type, correlationId: envelope.correlationId };
    try {
      const handled = await options.db.$transaction(async (tx) => {
        const inserted = await tx.$executeRaw`
          INSERT INTO inbox_message (consumer, message_id, type, handled_at)
          VALUES (${options.name}, ${envelope.id}::uuid, ${envelope.type}, now())
          ON CONFLICT (consumer, message_id) DO NOTHING`;
        if (inserted === 0) return false;
        await handler.handle(envelope, tx);
        return true;
      });
      if (handled && handler.afterCommit) {
        await handler.afterCommit(envelope).catch((error: unknown) => log.warn({ ...fields, err: error instanceof Error ? error.message : String(error) }, 'after-commit step failed'));
      }
      if (handled) log.debug(fields, 'message handled');
      else log.info(fields, 'duplicate message skipped');
      settle(ch, msg, 'ack');
    } catch (error) {
      // Quorum queues count earlier returns of this message in x-delivery-count.
      const previous = Number(msg.properties.headers?.['x-delivery-count'] ?? 0);
      const attempt = previous + 1;
      const err = error instanceof Error ? error.message : String(error);
      if (attempt >= options.deliveryLimit) {
        log.error({ ...fields, attempt, err }, 'message failed on its last try; sent to the dead-letter queue');
        settle(ch, msg, 'dead-letter');
        return;
      }
      const delay = Math.min(retryBaseMs * 2 ** (attempt - 1), retryMaxMs);
      log.warn({ ...fields, attempt, retryInMs: delay, err }, 'message failed; retrying');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pendingRetries.delete(timer);
          resolve();
        }, delay);
        pendingRetries.set(timer, () => {
          clearTimeout(timer);
          pendingRetries.delete(timer);
          resolve();
        });
      });
      settle(ch, msg, 'retry');
    }
  };

  return {
    name: options.name,
    queue,
    async start() {
      if (channel) return;
      stopping = false;
      // Consuming is part of the channel's setup, re-run on every reconnect, so each message
      // carries the channel it came on.
      channel = options.connection.createChannel({
        name: `consumer ${options.name}`,
        confirm: false,
        setup: async (ch: ConfirmChannel) => {
          await assertConsumerQueue(ch, options.prefix, options.name, { bindings, deliveryLimit: brokerDeliveryLimit(options.deliveryLimit) });
          if (stopping) return;
          await ch.prefetch(options.prefetch ?? 10);
          const reply = await ch.consume(queue, (msg) => {
            // null: the broker cancelled the consumer (queue deleted); the next setup consumes again.
            if (!msg) return;
            const task = process(ch, msg).finally(() => inFlight.delete(task));
            inFlight.add(task);
          });
          consumerTags.set(ch, reply.consumerTag);
          ch.once('close', () => consumerTags.delete(ch));
        },
      });
      await channel.waitForConnect();
      log.info({ queue }, 'consumer started');
    },
    async stop() {
      if (!channel) return;
      stopping = true;
      for (const [ch, tag] of consumerTags) await ch.cancel(tag).catch(() => undefined);
      for (const release of [...pendingRetries.values()]) release();
      await Promise.allSettled([...inFlight]);
      await channel.close();
      channel = null;
      consumerTags.clear();
    },
  };
}
