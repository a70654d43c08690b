import { createPeriodicJob } from '../../../platform/lifecycle/periodic-job.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { ReservationRepository } from '../infra/reservation.repository.ts';
import type { Clock } from './clock.ts';

export const SWEEPER_ACTOR = 'reservation-sweeper';

/** How many expired reservations one sweep releases at most; the next sweep takes the rest. */
export const SWEEP_BATCH = 100;

export interface ReservationSweeper {
  /** One pass: releases every ACTIVE reservation that expired by now (up to SWEEP_BATCH); returns how many. */
  sweep(): Promise<number>;
  /** Sweeps every `intervalMs` until stop(). */
  start(intervalMs: number): void;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Gives expired holds back to sale. Each release re-checks, with the row locked, that the
 * reservation is still ACTIVE and expired (a commit may have got there first), so any number of
 * instances can sweep at once.
 */
export function createReservationSweeper(deps: { reservations: ReservationRepository; clock: Clock; logger: Logger }): ReservationSweeper {
  const log = deps.logger.child({ component: 'ReservationSweeper' });

  async function sweepOnce(): Promise<number> {
    const now = deps.clock();
    const references = await deps.reservations.expiredReferences(now, SWEEP_BATCH);
    let released = 0;
    for (const reference of references) {
      const moved = await deps.reservations.apply(reference, 'expire', SWEEPER_ACTOR, { expiredBy: now, correlationId: SWEEPER_ACTOR });
      if (moved.ok && moved.value.changed) released += 1;
    }
    if (released > 0) log.info({ released }, 'expired reservations released');
    return released;
  }

  const job = createPeriodicJob({ name: 'reservation sweep', logger: log, run: sweepOnce });
  return { sweep: job.runOnce, start: job.start, stop: job.stop };
}
