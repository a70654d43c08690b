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
  /**
   * Each message in a transaction of its own, never batched: for a handler that locks rows other
   * transactions also lock (shared stock rows), where two batches could take them in crossing
   * orders and deadlock. A handler that locks only its own aggregate's rows can be batched.
   */
  alone?: boolean;
  /**
   * Handlers naming the same group share batches (by default each contract batches alone): for
   * replies of one process that lock only their own aggregates' rows, in one order, and wait on
   * nothing outside the transaction, such as a saga orchestrator's. A stream of several contracts
   * then costs one transaction per batch instead of one per contract.
   */
  batchGroup?: string;
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
  /**
   * How long a message waits for company before its batch starts, while messages come in a stream
   * (a batch began within the last four such waits): under load, fewer and larger transactions;
   * a message after a quiet spell starts at once (MESSAGE_BATCH_WAIT_MS). 0, the default, never waits.
   */
  batchWaitMs?: number;
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
  /** Messages delivered to this process that wait for their contract's batch in flight to end. */
  backlog(): number;
}

/** A valid message and the handler of its contract. */
interface Parsed {
  envelope: Envelope;
  handler: MessageHandler;
}

/** What batches together: a handler's group, or the handler itself. */
type BatchKey = string | MessageHandler;

/** A message as delivered: settled on the channel it came on. */
interface Delivery {
  ch: ConfirmChannel;
  msg: ConsumeMessage;
  parsed: Parsed;
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
 * backs this up for a process that crashes on a message every time. Messages that arrive
 * together (up to the prefetch) share one transaction; see processBatch.
 */
export function createInboxConsumer(options: InboxConsumerOptions): InboxConsumer {
  const log = options.logger.child({ component: 'inbox-consumer', consumer: options.name });
  const retryBaseMs = options.retryBaseMs ?? 200;
  const retryMaxMs = options.retryMaxMs ?? 10_000;
  const prefetch = options.prefetch ?? 10;
  const batchWaitMs = options.batchWaitMs ?? 0;
  const handlers = new Map(options.handlers.map((h) => [`${h.contract.type}@${h.contract.version}`, h]));
  const bindings = [...new Set(options.handlers.map((h) => h.contract.type))];
  const queue = `${options.prefix}${options.name}`;
  let channel: ChannelWrapper | null = null;
  let stopping = false;
  // The consumer tag on each underlying channel, to cancel on stop.
  const consumerTags = new Map<ConfirmChannel, string>();
  const inFlight = new Set<Promise<void>>();
  /** Failed messages held before they go back to the queue, each with its give-back. */
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

  const parse = (msg: ConsumeMessage): Parsed => {
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

  /** Handles one message in its own transaction, retrying it later or dead-lettering it when its handler fails. */
  const processOne = async (ch: ConfirmChannel, msg: ConsumeMessage, { envelope, handler }: Parsed) => {
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
      if (handled) await runAfterCommit({ envelope, handler });
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
      retryLater(ch, msg, delay);
    }
  };

  /**
   * Holds a failed message, then returns it to the queue. The wait holds nothing else up: the
   * message's contract goes on with the messages after it. On stop it is returned at once.
   */
  const retryLater = (ch: ConfirmChannel, msg: ConsumeMessage, delay: number) => {
    const giveBack = () => {
      clearTimeout(timer);
      pendingRetries.delete(timer);
      settle(ch, msg, 'retry');
    };
    const timer = setTimeout(giveBack, stopping ? 0 : delay);
    pendingRetries.set(timer, giveBack);
  };

  const runAfterCommit = async ({ envelope, handler }: Parsed) => {
    if (!handler.afterCommit) return;
    await handler.afterCommit(envelope).catch((error: unknown) =>
      log.warn({ messageId: envelope.id, type: envelope.type, correlationId: envelope.correlationId, err: error instanceof Error ? error.message : String(error) }, 'after-commit step failed'),
    );
  };

  /**
   * Handles the messages that arrived together in one transaction: one multi-row inbox insert
   * (ids already there are skipped as duplicates), the handlers side by side on that transaction
   * (a handler waiting on a batcher does not hold up the others), one commit. Under load every
   * message then costs its handler's statements only, not a BEGIN, an inbox insert and a COMMIT
   * of its own. All or nothing: if any handler fails (or the batch deadlocks with another), the
   * batch rolls back and each message is handled alone, with its own retries, one after the
   * other: a failed batch never needs more connections at once than the batch did (a handler may
   * hold a second one, as payments' does), whatever the prefetch.
   */
  const processBatch = async (batch: Delivery[]) => {
    let handled: Delivery[];
    try {
      handled = await options.db.$transaction(async (tx) => {
        const inserted = await tx.$queryRaw<{ message_id: string }[]>`
          INSERT INTO inbox_message (consumer, message_id, type, handled_at)
          SELECT ${options.name}, t.id, t.type, now()
          FROM unnest(${batch.map((item) => item.parsed.envelope.id)}::uuid[], ${batch.map((item) => item.parsed.envelope.type)}::text[]) AS t(id, type)
          ON CONFLICT (consumer, message_id) DO NOTHING
          RETURNING message_id::text`;
        // A message published twice can arrive twice in one batch: the first copy is handled.
        const fresh = new Set(inserted.map((row) => row.message_id));
        const toHandle = batch.filter((item) => fresh.delete(item.parsed.envelope.id));
        const outcomes = await Promise.allSettled(toHandle.map((item) => item.parsed.handler.handle(item.parsed.envelope, tx)));
        const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        if (failure) throw failure.reason;
        return toHandle;
      });
    } catch (error) {
      log.debug({ messages: batch.length, err: error instanceof Error ? error.message : String(error) }, 'batch rolled back; handling its messages one by one');
      for (const item of batch) await processOne(item.ch, item.msg, item.parsed);
      return;
    }
    for (const item of handled) await runAfterCommit(item.parsed);
    for (const item of batch) {
      const fields = { messageId: item.parsed.envelope.id, type: item.parsed.envelope.type, correlationId: item.parsed.envelope.correlationId };
      if (handled.includes(item)) log.debug(fields, 'message handled');
      else log.info(fields, 'duplicate message skipped');
      settle(item.ch, item.msg, 'ack');
    }
  };

  /**
   * Per contract (or per batch group), the messages delivered and not yet handled. Each has one
   * batch in flight at a time: what arrives meanwhile waits for it and goes as the next batch, so
   * under load the batches grow instead of the transactions multiplying. One contract per batch
   * unless its handlers say otherwise: a handler that waits on work outside the transaction
   * (inventory's reserve waits on its batcher) must never share a transaction with one that takes
   * locks that work may need (a commit's stock rows).
   */
  const waiting = new Map<BatchKey, Delivery[]>();
  const busy = new Set<BatchKey>();
  /** Cancels the drain scheduled for the messages waiting, if one is. */
  let cancelDrain: (() => void) | null = null;

  const startBatch = (key: BatchKey) => {
    const batch = waiting.get(key);
    if (busy.has(key) || !batch?.length) return;
    waiting.delete(key);
    busy.add(key);
    const [only] = batch;
    const task = (batch.length === 1 && only ? processOne(only.ch, only.msg, only.parsed) : processBatch(batch)).finally(() => {
      inFlight.delete(task);
      busy.delete(key);
      startBatch(key);
    });
    inFlight.add(task);
  };

  let lastDrainAt = -Infinity;
  const drain = () => {
    lastDrainAt = performance.now();
    cancelDrain?.();
    cancelDrain = null;
    for (const key of [...waiting.keys()]) startBatch(key);
  };

  const scheduleDrain = () => {
    if (cancelDrain) return;
    if (batchWaitMs > 0 && performance.now() - lastDrainAt < 4 * batchWaitMs) {
      const timer = setTimeout(drain, batchWaitMs);
      cancelDrain = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(drain);
      cancelDrain = () => clearImmediate(immediate);
    }
  };

  const waitingCount = () => [...waiting.values()].reduce((sum, batch) => sum + batch.length, 0);

  const receive = (ch: ConfirmChannel, msg: ConsumeMessage) => {
    let parsed: Parsed;
    try {
      parsed = parse(msg);
    } catch (error) {
      log.warn({ messageId: msg.properties.messageId, err: (error as Error).message }, 'invalid message sent to the dead-letter queue');
      settle(ch, msg, 'dead-letter');
      return;
    }
    if (parsed.handler.alone) {
      const task = processOne(ch, msg, parsed).finally(() => inFlight.delete(task));
      inFlight.add(task);
      return;
    }
    const key = parsed.handler.batchGroup ?? parsed.handler;
    const batch = waiting.get(key);
    if (batch) batch.push({ ch, msg, parsed });
    else waiting.set(key, [{ ch, msg, parsed }]);
    // The messages that came in one read of the socket start together, and in a stream those
    // that come within the batch wait. A full prefetch brings no more until something is acked.
    if (batchWaitMs > 0 && waitingCount() >= prefetch) drain();
    else scheduleDrain();
  };

  return {
    name: options.name,
    queue,
    backlog: waitingCount,
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
          await ch.prefetch(prefetch);
          const reply = await ch.consume(queue, (msg) => {
            // null: the broker cancelled the consumer (queue deleted); the next setup consumes again.
            if (!msg) return;
            receive(ch, msg);
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
      for (const giveBack of [...pendingRetries.values()]) giveBack();
      // Delivered but not yet started: handled now, batch after batch, before the channel closes.
      drain();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await channel.close();
      channel = null;
      consumerTags.clear();
    },
  };
}
