import { createPeriodicJob } from '../../../platform/lifecycle/periodic-job.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { CartRepository } from '../infra/cart.repository.ts';
import type { Clock } from './clock.ts';

/** How many expired guest carts one pass deletes at most; the next pass takes the rest. */
export const GUEST_SWEEP_BATCH = 500;

export interface GuestCartSweeper {
  /** Deletes guest carts expired by now, in batches, until none is left; returns how many. */
  sweep(): Promise<number>;
  /** Sweeps every `intervalMs` until stop(). */
  start(intervalMs: number): void;
  /** Stops the timer and waits for a sweep in progress (which ends after its current batch). */
  stop(): Promise<void>;
}

/**
 * Deletes guest carts past their expiry (GUEST_CART_TTL_HOURS after their last change). Reads
 * already treat an expired cart as missing, so the sweep only reclaims space; rows are claimed
 * with SKIP LOCKED, so any number of instances can sweep at once.
 */
export function createGuestCartSweeper(deps: { carts: Pick<CartRepository, 'deleteExpired'>; clock: Clock; logger: Logger }): GuestCartSweeper {
  const log = deps.logger.child({ component: 'GuestCartSweeper' });

  async function sweepOnce(stopping: AbortSignal): Promise<number> {
    const now = deps.clock();
    let deleted = 0;
    for (;;) {
      const batch = await deps.carts.deleteExpired(now, GUEST_SWEEP_BATCH);
      deleted += batch;
      if (batch < GUEST_SWEEP_BATCH || stopping.aborted) break;
    }
    if (deleted > 0) log.info({ deleted }, 'expired guest carts deleted');
    return deleted;
  }

  const job = createPeriodicJob({ name: 'guest cart sweep', logger: log, run: sweepOnce });
  return { sweep: job.runOnce, start: job.start, stop: job.stop };
}
