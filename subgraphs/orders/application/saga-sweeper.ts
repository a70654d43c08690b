import { createPeriodicJob } from '../../../platform/lifecycle/periodic-job.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { OrderRepository } from '../infra/order.repository.ts';
import type { CheckoutSaga, TimeoutOutcome } from './checkout-saga.ts';
import type { Clock } from './clock.ts';

/** How many overdue orders one sweep handles at most; the next sweep takes the rest. */
export const SAGA_SWEEP_BATCH = 100;

export interface SagaSweeper {
  /** One pass over orders whose step deadline passed; returns what it did to each. */
  sweep(): Promise<Record<TimeoutOutcome, number>>;
  /** Sweeps every `intervalMs` until stop(). */
  start(intervalMs: number): void;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * No order waits forever: an order whose saga step passed its deadline is cancelled and
 * compensated, or (waiting for a capture reply) has its capture sent again. Each order is handled
 * in its own transaction with its row locked (SKIP LOCKED: one a handler holds is left to it) and
 * its deadline re-checked, so any number of instances can sweep at once.
 */
export function createSagaSweeper(deps: { orders: OrderRepository; saga: CheckoutSaga; clock: Clock; logger: Logger }): SagaSweeper {
  const log = deps.logger.child({ component: 'SagaSweeper' });

  async function sweepOnce(): Promise<Record<TimeoutOutcome, number>> {
    const counts: Record<TimeoutOutcome, number> = { cancelled: 0, 'capture-retried': 0, skipped: 0 };
    for (const orderId of await deps.orders.overdue(deps.clock(), SAGA_SWEEP_BATCH)) {
      counts[await deps.saga.timeOut(orderId)] += 1;
    }
    if (counts.cancelled + counts['capture-retried'] > 0) log.info(counts, 'overdue checkouts handled');
    return counts;
  }

  const job = createPeriodicJob({ name: 'saga sweep', logger: log, run: sweepOnce });
  return { sweep: job.runOnce, start: job.start, stop: job.stop };
}
