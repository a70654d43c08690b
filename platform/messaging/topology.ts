import { connect, type Channel, type ConfirmChannel } from 'amqplib';

/**
 * Names of everything one deployment declares on the broker, all under its prefix so test runs
 * and the dev stack never share an exchange or a queue.
 */
export function topologyNames(prefix: string) {
  return {
    /** Every event is published here with its type as routing key. */
    events: `${prefix}events`,
    /** Where consumer queues send what they give up on; routed by the consumer queue's name. */
    deadLetters: `${prefix}dead-letters`,
    /** A consumer's durable queue. */
    consumerQueue: (consumer: string) => `${prefix}${consumer}`,
    /** The dead-letter queue of a consumer queue (by its full name). */
    deadLetterQueue: (queue: string) => `${queue}.dlq`,
  };
}

/** The events exchange: topic, so a consumer binds to exact types or `vendor.*`. */
export async function assertEventsExchange(channel: Channel | ConfirmChannel, prefix: string): Promise<string> {
  const { events } = topologyNames(prefix);
  await channel.assertExchange(events, 'topic', { durable: true });
  return events;
}

export interface ConsumerQueueOptions {
  /** Routing keys (message types) the queue receives. */
  bindings: readonly string[];
  /**
   * The broker's own cap on deliveries: a message returned more often than this (a consumer that
   * crashes on it every time never gets to decide) is dead-lettered by RabbitMQ itself.
   */
  deliveryLimit: number;
}

/**
 * A consumer's durable quorum queue (replicated on a cluster) bound to the events exchange,
 * dead-lettering into its own durable quorum DLQ. Idempotent: every (re)connect runs it.
 */
export async function assertConsumerQueue(channel: Channel | ConfirmChannel, prefix: string, consumer: string, options: ConsumerQueueOptions): Promise<string> {
  const names = topologyNames(prefix);
  const queue = names.consumerQueue(consumer);
  const dlq = names.deadLetterQueue(queue);
  await assertEventsExchange(channel, prefix);
  await channel.assertExchange(names.deadLetters, 'direct', { durable: true });
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(dlq, names.deadLetters, queue);
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': names.deadLetters,
      'x-dead-letter-routing-key': queue,
      'x-delivery-limit': options.deliveryLimit,
    },
  });
  for (const key of options.bindings) await channel.bindQueue(queue, names.events, key);
  return queue;
}

/**
 * The queue's `x-delivery-limit` for a consumer that tries a message `tries` times itself: one
 * more, so the consumer always decides (retry or dead-letter) and the broker's cap only catches a
 * process that crashes on the message every time. Consumers and `declareTopology` both use it,
 * because RabbitMQ refuses to re-declare a queue with a different limit.
 */
export function brokerDeliveryLimit(tries: number): number {
  return tries + 1;
}

/** One consumer as a deployment declares it before any process runs. */
export interface ConsumerDeclaration {
  /** The consumer's name: its queue is `<prefix><name>`. */
  name: string;
  /** The message types its handlers take: its queue's routing keys. */
  bindings: readonly string[];
  /** Tries per message (MESSAGE_DELIVERY_LIMIT of the process that consumes it), the first included. */
  deliveryLimit: number;
}

/**
 * Declares what a deployment needs on the broker before any process publishes: the events and
 * dead-letter exchanges and, for every consumer, its queue, its DLQ and its bindings, with the
 * arguments the consumer itself asserts when it starts (so that assert finds them equal). Without
 * it, an event published before its consumer ever ran would find no bound queue and be dropped.
 * Idempotent; resolves with the queues declared, in order.
 */
export async function declareTopology(url: string, prefix: string, consumers: readonly ConsumerDeclaration[]): Promise<string[]> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    // A refused declaration closes the channel with an error event; the rejected call reports it.
    channel.on('error', () => undefined);
    await assertEventsExchange(channel, prefix);
    await channel.assertExchange(topologyNames(prefix).deadLetters, 'direct', { durable: true });
    const queues: string[] = [];
    for (const consumer of consumers) {
      queues.push(await assertConsumerQueue(channel, prefix, consumer.name, { bindings: consumer.bindings, deliveryLimit: brokerDeliveryLimit(consumer.deliveryLimit) }));
    }
    return queues;
  } finally {
    await connection.close();
  }
}
