import { connect } from 'amqplib';
import { topologyNames } from '../topology.ts';

/**
 * Deletes what one test platform declared under its prefix: the consumers' queues and DLQs and
 * both exchanges. Tests use a random prefix each, so this never touches another run's topology.
 */
export async function deleteTestTopology(url: string, prefix: string, consumers: readonly string[]): Promise<void> {
  const names = topologyNames(prefix);
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    for (const consumer of consumers) {
      const queue = names.consumerQueue(consumer);
      await channel.deleteQueue(queue);
      await channel.deleteQueue(names.deadLetterQueue(queue));
    }
    await channel.deleteExchange(names.events);
    await channel.deleteExchange(names.deadLetters);
  } finally {
    await connection.close();
  }
}
