import { connect } from 'amqplib';
import { listDeadLetters, replayDeadLetters } from '../platform/messaging/dead-letters.ts';
import { MESSAGE_CONSUMER_NAMES } from '../subgraphs/registry.ts';
import { scriptsConfig } from './lib/scripts-config.ts';

/**
 * `npm run dlq:list [-- <queue>…]`: what each consumer queue's dead-letter queue holds (every
 * consumer's by default), left in place.
 * `npm run dlq:replay -- <queue> [--id <messageId>]…`: sends parked messages back to their queue,
 * all of them or the ids given. Queues are full names (`shop.catalog.vendor-status`) or consumer
 * names, which get MESSAGING_PREFIX in front.
 */
const [command, ...rest] = process.argv.slice(2);
const prefix = scriptsConfig.MESSAGING_PREFIX;
const fullName = (queue: string) => (queue.startsWith(prefix) ? queue : `${prefix}${queue}`);

const usage = 'usage: npm run dlq:list [-- <queue>…] | npm run dlq:replay -- <queue> [--id <messageId>]…';
const connection = await connect(scriptsConfig.RABBITMQ_URL);
let exitCode = 0;
try {
  const channel = await connection.createConfirmChannel();
  // A missing queue closes the channel with a 404; say so instead of a stack.
  channel.on('error', () => undefined);
  if (command === 'list') {
    const queues = (rest.length > 0 ? rest : [...MESSAGE_CONSUMER_NAMES]).map(fullName);
    for (const queue of queues) {
      const parked = await listDeadLetters(channel, queue).catch((error: Error) => error);
      if (parked instanceof Error) {
        console.log(`${queue}.dlq: not declared yet (${parked.message.split('\n')[0]})`);
        exitCode = 1;
        break;
      }
      console.log(`${queue}.dlq: ${parked.length} message(s)`);
      for (const m of parked) console.log(`  ${m.messageId ?? '(no id)'}  ${m.type ?? '?'}  reason=${m.reason ?? '?'}  correlationId=${m.correlationId ?? '-'}`);
    }
  } else if (command === 'replay' && rest[0] && !rest[0].startsWith('--')) {
    const queue = fullName(rest[0]);
    const ids: string[] = [];
    for (let i = 1; i < rest.length; i += 1) {
      if (rest[i] === '--id' && rest[i + 1]) ids.push(rest[(i += 1)] ?? '');
      else throw new Error(`unexpected argument ${rest[i]}; ${usage}`);
    }
    const replayed = await replayDeadLetters(channel, queue, ids);
    console.log(`replayed ${replayed.length} message(s) to ${queue}`);
    for (const m of replayed) console.log(`  ${m.messageId ?? '(no id)'}  ${m.type ?? '?'}`);
    if (ids.length > 0 && replayed.length < ids.length) {
      console.log(`not found in ${queue}.dlq: ${ids.filter((id) => !replayed.some((m) => m.messageId === id)).join(', ')}`);
      exitCode = 1;
    }
  } else {
    console.error(usage);
    exitCode = 2;
  }
} finally {
  await connection.close().catch(() => undefined);
}
process.exit(exitCode);
