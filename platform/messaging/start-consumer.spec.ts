import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { startConsumer } from './start-consumer.ts';

/** A consumer whose start the spec settles when it wants, and the log lines it causes. */
function harness() {
  const lines: { level: number; msg: string; consumer?: string }[] = [];
  const logger = createLogger({ service: 'start-consumer-spec', level: 'info', pretty: false }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  let settle!: { resolve: () => void; reject: (error: Error) => void };
  const started = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const consumer = { name: 'shop.spec-consumer', start: () => started };
  const logged = () => lines.map((line) => ({ level: line.level, msg: line.msg, consumer: line.consumer }));
  return { logger, consumer, settle, started, logged };
}

const WARN = 40;
const ERROR = 50;

describe('startConsumer', () => {
  it('resolves once the consumer started within the wait, logging nothing of its own', async () => {
    const { logger, consumer, settle, logged } = harness();
    const starting = startConsumer(consumer, logger, { waitMs: 60_000 });
    settle.resolve();
    await starting;
    expect(logged()).toEqual([]);
  });

  it('goes on without a consumer still starting after the wait, warning with its name, and stays quiet when it starts later', async () => {
    const { logger, consumer, settle, started, logged } = harness();
    await startConsumer(consumer, logger, { waitMs: 10 });
    expect(logged()).toEqual([{ level: WARN, msg: 'consumer not started yet; retrying in the background', consumer: 'shop.spec-consumer' }]);
    settle.resolve();
    await started;
    expect(logged()).toHaveLength(1);
  });

  it('logs a failed start once as an error, without throwing, within the wait or after it', async () => {
    const early = harness();
    const starting = startConsumer(early.consumer, early.logger, { waitMs: 60_000 });
    early.settle.reject(new Error('channel closed'));
    await expect(starting).resolves.toBeUndefined();
    expect(early.logged()).toEqual([{ level: ERROR, msg: 'consumer failed to start', consumer: 'shop.spec-consumer' }]);

    const late = harness();
    await startConsumer(late.consumer, late.logger, { waitMs: 10 });
    late.settle.reject(new Error('channel closed'));
    await vi.waitFor(() => expect(late.logged().map((line) => line.level)).toEqual([WARN, ERROR]));
  });
});
