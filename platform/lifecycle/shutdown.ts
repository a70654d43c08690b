import type { Logger } from '../logging/logger.ts';
import { withTimeout } from './with-timeout.ts';

export type ShutdownStep = { name: string; run: () => Promise<unknown> };

/**
 * Runs shutdown steps in order on SIGINT/SIGTERM (stop accepting first, close connections last),
 * each bounded so a stuck step cannot hang the process forever. A second signal forces exit.
 */
export function onShutdownSignal(logger: Logger, steps: ShutdownStep[], timeoutMs = 15_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void runSteps(logger, steps, timeoutMs).then((clean) => {
      logger.info({ clean }, 'stopped');
      process.exit(clean ? 0 : 1);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

export async function runSteps(logger: Logger, steps: ShutdownStep[], timeoutMs = 15_000): Promise<boolean> {
  let clean = true;
  for (const step of steps) {
    try {
      await withTimeout(step.run(), timeoutMs, step.name);
    } catch (error) {
      clean = false;
      logger.error({ err: error, step: step.name }, 'shutdown step failed');
    }
  }
  return clean;
}
