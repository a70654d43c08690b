import type { Channel, ConfirmChannel } from 'amqplib';

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
