import type { Logger } from '../../../platform/logging/logger.ts';
import type { ReservationRepository, ReserveItem, ReserveOutcome } from '../infra/reservation.repository.ts';

export interface ReservationBatcherOptions {
  reservations: Pick<ReservationRepository, 'reserveBatch'>;
  logger: Logger;
  /** The most reservations one transaction applies. */
  maxBatch?: number;
  /** How long the first request of an idle batcher waits for company before its batch runs. */
  tickMs?: number;
  /**
   * Batches in flight at once (its pool needs as many connections). One by default: measured on a
   * hot SKU, a second batch in flight mostly split the queue into smaller batches that then waited
   * on the same row lock (scripts/bench/hot-sku.ts, subgraphs/inventory/README.md).
   */
  concurrency?: number;
}

export interface ReservationBatcher {
  /** Queues one reservation; resolves with its outcome once its batch committed (rejects if the batch failed). */
  reserve(item: ReserveItem): Promise<ReserveOutcome>;
  /** Runs what is queued, waits for it, and refuses new work. */
  stop(): Promise<void>;
}

interface Pending {
  item: ReserveItem;
  resolve(outcome: ReserveOutcome): void;
  reject(error: unknown): void;
}

/**
 * Groups reservations that arrive together into one transaction (reserveBatch), so a hot SKU pays
 * one commit (one WAL flush while its row is locked) per batch instead of one per reservation.
 * An idle batcher waits `tickMs` after the first request, or until `maxBatch` are queued; while a
 * batch runs, new requests queue and form the next batch (up to `concurrency` batches run at once;
 * on one SKU they queue on its row lock, in order). Two requests for one
 * reference never share a batch: the later waits for the next, where it finds the first's
 * reservation (a retry is answered like one).
 */
export function createReservationBatcher(options: ReservationBatcherOptions): ReservationBatcher {
  const maxBatch = options.maxBatch ?? 200;
  const tickMs = options.tickMs ?? 2;
  const concurrency = options.concurrency ?? 1;
  const log = options.logger.child({ component: 'ReservationBatcher' });
  let queue: Pending[] = [];
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  /** The next batch: up to maxBatch requests in arrival order, one per reference. */
  const take = (): Pending[] => {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const references = new Set<string>();
    for (const pending of queue) {
      const reference = pending.item.request.reference;
      if (batch.length < maxBatch && !references.has(reference)) {
        references.add(reference);
        batch.push(pending);
      } else {
        rest.push(pending);
      }
    }
    queue = rest;
    return batch;
  };

  const runBatch = async (batch: Pending[]) => {
    try {
      const outcomes = await options.reservations.reserveBatch(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => {
        const outcome = outcomes[index];
        if (outcome) pending.resolve(outcome);
        else pending.reject(new Error('reservation batch returned no outcome'));
      });
    } catch (error) {
      log.warn({ size: batch.length, err: error instanceof Error ? error.message : String(error) }, 'reservation batch failed; its requests fail');
      for (const pending of batch) pending.reject(error);
    }
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (running.size >= concurrency || queue.length === 0) return;
    const batch = take();
    const run: Promise<void> = runBatch(batch).finally(() => {
      running.delete(run);
      // What queued meanwhile is already a batch: no need to wait another tick.
      if (queue.length > 0) flush();
    });
    running.add(run);
  };

  return {
    reserve(item) {
      if (stopped) return Promise.reject(new Error('the reservation batcher is stopped'));
      return new Promise<ReserveOutcome>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (running.size >= concurrency) return;
        // Fewer batches run than allowed: the next starts at once (it queues on the row locks, planned).
        if (queue.length >= maxBatch || running.size > 0) flush();
        else timer ??= setTimeout(flush, tickMs);
      });
    },
    async stop() {
      stopped = true;
      flush();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
