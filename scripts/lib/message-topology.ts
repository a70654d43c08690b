import type { MessagingSettings } from '../../platform/messaging/connection.ts';
import { declareTopology } from '../../platform/messaging/topology.ts';
import { MESSAGE_CONSUMERS } from '../../subgraphs/registry.ts';

/**
 * Declares a deployment's exchanges and every consumer queue of MESSAGE_CONSUMERS with its
 * bindings and dead-letter queue, before any process runs: an event published before its consumer
 * ever started then waits in the consumer's queue. `deliveryLimitOf(owner)` is the
 * MESSAGE_DELIVERY_LIMIT the consumer's own process runs with: RabbitMQ refuses the consumer's
 * own declaration at start-up if the queue was declared with another. Reports one line a queue.
 */
export async function declareMessageTopology(
  messaging: Pick<MessagingSettings, 'url' | 'prefix'>,
  deliveryLimitOf: (owner: string) => number,
  report: (line: string) => void,
): Promise<void> {
  const consumers = MESSAGE_CONSUMERS.map((consumer) => ({ name: consumer.name, bindings: consumer.bindings, deliveryLimit: deliveryLimitOf(consumer.owner) }));
  const queues = await declareTopology(messaging.url, messaging.prefix, consumers);
  consumers.forEach((consumer, index) => report(`${queues[index]}: declared, bound to ${consumer.bindings.join(', ')}`));
}
