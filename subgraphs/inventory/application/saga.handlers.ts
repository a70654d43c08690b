import {
  commitStockV1,
  releaseStockV1,
  reserveStockV1,
  stockCommitFailedV1,
  stockCommittedV1,
  stockReleasedV1,
  stockReservationFailedV1,
  stockReservedV1,
} from '../../../contracts/inventory.ts';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/inbox-consumer.ts';
import { gatheredOutboxWriter, outboxEntry, writeOutboxEntry, type OutboxEntry } from '../../../platform/messaging/outbox.ts';
import { InventoryErrorCodes } from '../domain/error-codes.ts';
import type { ReservationCaller, ReservationService, ReserveAnswer } from './reservation.service.ts';

/** The consumer's name: its queue is `<MESSAGING_PREFIX>inventory.saga` (see subgraphs/registry.ts). */
export const INVENTORY_SAGA_CONSUMER = 'inventory.saga';

/** Recorded as the actor of the stock movements the saga causes. */
export const SAGA_ACTOR = 'checkout-saga';

/** The reply to a reserve command, from how it ended. */
export function reserveReply(orderId: string, answer: ReserveAnswer, correlationId: string): OutboxEntry {
  switch (answer.kind) {
    case 'reserved':
      return outboxEntry(stockReservedV1, { orderId, reservationId: answer.reservation.id, expiresAt: answer.reservation.expiresAt.toISOString() }, correlationId);
    case 'released':
      // The order's stock was given back already (or its release came first): it holds nothing.
      return outboxEntry(stockReleasedV1, { orderId, returned: answer.reservation.status === 'RETURNED' }, correlationId);
    case 'conflict':
      return outboxEntry(stockReservationFailedV1, { orderId, reason: 'RESERVATION_REFERENCE_CONFLICT', shortages: [] }, correlationId);
    case 'insufficient':
      return outboxEntry(stockReservationFailedV1, { orderId, reason: 'STOCK_INSUFFICIENT', shortages: answer.shortages }, correlationId);
  }
}

/**
 * The checkout saga's commands to inventory (orders sends them; the reservation's reference is the
 * order id). Each answers through the outbox in the transaction that changes the stock:
 * - inventory.reserve → the batcher holds the lines (its transaction writes the reply:
 *   stock_reserved, reservation_failed with the shortages, or stock_released when the order's
 *   stock was already given back); a malformed request is answered reservation_failed
 *   INVALID_REQUEST here. The inbox row commits after the batch: a crash between them redelivers
 *   the command, which finds its reservation and answers the same again (reserve is idempotent by
 *   order id), so orders may see a reply twice and must ignore the second.
 * - inventory.commit → stock_committed, or commit_failed (no reservation, or it was released).
 *   Commits delivered together share one inbox transaction and one statement.
 * - inventory.release → stock_released (`returned` when committed units went back on hand); an
 *   order never reserved leaves a tombstone, so a late reserve holds nothing. Each release runs
 *   alone.
 * Commit and release run in the inbox transaction: change, reply and inbox row commit together.
 */
export function inventorySagaHandlers(deps: { reservations: ReservationService; logger: Logger; outbox?: { nudge(): void } }): MessageHandler[] {
  const log = deps.logger.child({ component: 'InventorySagaHandlers' });
  const callerFor = (correlationId: string): ReservationCaller => ({ actor: SAGA_ACTOR, logger: deps.logger.child({ correlationId }), correlationId });
  // The reply is committed: tell the relay now rather than at its next poll.
  const afterCommit = async () => deps.outbox?.nudge();
  const writeReply = gatheredOutboxWriter();

  return [
    defineHandler({
      contract: reserveStockV1,
      afterCommit,
      async handle(message, tx) {
        const { orderId, lines, ttlSeconds } = message.payload;
        const reserved = await deps.reservations.reserve(callerFor(message.correlationId), orderId, lines, ttlSeconds, {
          replies: (answer) => [reserveReply(orderId, answer, message.correlationId)],
        });
        if (!reserved.ok && reserved.errors.some((error) => error.code === ErrorCodes.VALIDATION_FAILED)) {
          log.warn({ orderId, messageId: message.id, errors: reserved.errors.map((error) => error.message) }, 'reserve command refused as invalid');
          await writeOutboxEntry(tx, outboxEntry(stockReservationFailedV1, { orderId, reason: 'INVALID_REQUEST', shortages: [] }, message.correlationId));
        }
      },
    }),
    defineHandler({
      contract: commitStockV1,
      afterCommit,
      // The commits of one inbox batch lock their reservations and stock rows in one statement, in
      // the order every other locking statement takes them (infra/reservation.repository.ts).
      async handle(message, tx) {
        const { orderId } = message.payload;
        const committed = await deps.reservations.commit(callerFor(message.correlationId), orderId, { tx });
        if (committed.ok) {
          await writeReply(tx, outboxEntry(stockCommittedV1, { orderId }, message.correlationId));
          return;
        }
        const notFound = committed.errors.some((error) => error.code === InventoryErrorCodes.RESERVATION_NOT_FOUND);
        log.info({ orderId, messageId: message.id, reason: committed.errors[0]?.code }, 'commit refused');
        await writeReply(
          tx,
          outboxEntry(stockCommitFailedV1, { orderId, reason: notFound ? 'RESERVATION_NOT_FOUND' : 'RESERVATION_ILLEGAL_TRANSITION' }, message.correlationId),
        );
      },
    }),
    defineHandler({
      contract: releaseStockV1,
      afterCommit,
      // A cancellation, rare: its tombstone insert and low-stock check stay one release at a time.
      alone: true,
      async handle(message, tx) {
        const { orderId } = message.payload;
        const released = await deps.reservations.release(callerFor(message.correlationId), orderId, { tx });
        // release always succeeds (a tombstone when nothing was held); anything else is a bug worth a retry.
        if (!released.ok) throw new Error(`release of order ${orderId} failed: ${released.errors.map((error) => error.code).join(', ')}`);
        await writeOutboxEntry(tx, outboxEntry(stockReleasedV1, { orderId, returned: released.value.status === 'RETURNED' }, message.correlationId));
      },
    }),
  ];
}
