import { withTimeout } from '../lifecycle/with-timeout.ts';
import type { Logger } from '../logging/logger.ts';
import type { InboxConsumer } from './inbox-consumer.ts';

export interface StartConsumerOptions {
  /** How long start-up waits for the consumer before going on without it. */
  waitMs?: number;
}

/**
 * Starts a consumer during a process' start-up, waiting a little (5 s by default) for it to
 * consume, so the process usually turns ready with its queue asserted and bound. A broker that is
 * down or slow only delays consuming: the start goes on in the background (the connection
 * reconnects by itself and readiness reports it meanwhile), and this resolves anyway. A start
 * that fails is logged, never thrown: the process keeps serving what does not need the broker.
 */
export async function startConsumer(consumer: Pick<InboxConsumer, 'name' | 'start'>, logger: Logger, options: StartConsumerOptions = {}): Promise<void> {
  const waitMs = options.waitMs ?? 5_000;
  const log = logger.child({ component: 'inbox-consumer', consumer: consumer.name });
  // Settles either way, so the wait below times out only while the start is still under way.
  const starting = consumer.start().catch((error: unknown) => {
    log.error({ err: error instanceof Error ? error.message : String(error) }, 'consumer failed to start');
  });
  await withTimeout(starting, waitMs, `consumer ${consumer.name} start`).catch(() => {
    log.warn({ waitMs }, 'consumer not started yet; retrying in the background');
  });
}
