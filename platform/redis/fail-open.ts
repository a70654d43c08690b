import type { Logger } from '../logging/logger.ts';

/**
 * Runs cache calls so that a Redis failure becomes `null` (the caller then uses Postgres) and
 * is logged once per outage, not once per request.
 */
export class FailOpen {
  private degraded = false;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  async attempt<T>(operation: string, run: () => Promise<T>): Promise<T | null> {
    try {
      const result = await run();
      if (this.degraded) {
        this.degraded = false;
        this.logger.info(`${this.what} available again`);
      }
      return result;
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.logger.warn({ err: error instanceof Error ? error.message : String(error), operation }, `${this.what} unavailable; falling back to the database`);
      }
      return null;
    }
  }
}
