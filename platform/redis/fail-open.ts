import type { Logger } from '../logging/logger.ts';

export interface FailOpen {
  /** `run`'s result, or null when it failed (the caller then uses Postgres). */
  attempt<T>(operation: string, run: () => Promise<T>): Promise<T | null>;
}

/**
 * Runs cache calls so that a Redis failure becomes `null` (the caller then uses Postgres) and
 * is logged once per outage, not once per request. `what` names the cache in those lines.
 */
export function createFailOpen(logger: Logger, what: string): FailOpen {
  let degraded = false;
  return {
    async attempt(operation, run) {
      try {
        const result = await run();
        if (degraded) {
          degraded = false;
          logger.info(`${what} available again`);
        }
        return result;
      } catch (error) {
        if (!degraded) {
          degraded = true;
          logger.warn({ err: error instanceof Error ? error.message : String(error), operation }, `${what} unavailable; falling back to the database`);
        }
        return null;
      }
    },
  };
}
