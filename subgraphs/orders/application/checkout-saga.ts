import {
  paymentAuthorizedV1,
  paymentCancelledV1,
  paymentCapturedV1,
  paymentCaptureFailedV1,
  paymentDeclinedV1,
  stockCommitFailedV1,
  stockCommittedV1,
  stockReservationFailedV1,
  stockReservedV1,
} from '../../../contracts/index.ts';
import type { Envelope, MessageContract } from '../../../contracts/envelope.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/inbox-consumer.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { decideReply, decideTimeout, type SagaCommand, type SagaReply } from '../domain/checkout-saga.ts';
import { SAGA_STATES, type CancelReason, type OrderStatus } from '../domain/order.process.ts';
import type { OrderAggregate, OrderChange, OrderRepository } from '../infra/order.repository.ts';
import type { Clock } from './clock.ts';
import type { SagaMessages } from './saga-messages.ts';

/** The saga's consumer: its queue is `<MESSAGING_PREFIX>orders.saga` (subgraphs/registry.ts MESSAGE_CONSUMERS). */
export const SAGA_CONSUMER = 'orders.saga';

/** The replies the orchestrator consumes, forward steps and compensations. */
export const SAGA_REPLY_CONTRACTS = [
  stockReservedV1,
  stockReservationFailedV1,
  paymentAuthorizedV1,
  paymentDeclinedV1,
  stockCommittedV1,
  stockCommitFailedV1,
  paymentCapturedV1,
  paymentCaptureFailedV1,
] as const satisfies readonly MessageContract<SagaReply>[];

/** Every message type the saga consumer binds (its replies, and payment.cancelled for REFUNDED). */
export const SAGA_HANDLED_TYPES: readonly string[] = [...SAGA_REPLY_CONTRACTS.map((contract) => contract.type), paymentCancelledV1.type];

export interface CheckoutSagaDeps {
  orders: OrderRepository;
  messages: SagaMessages;
  clock: Clock;
  /** How long one saga step may wait for its reply before the sweeper acts. */
  stepTimeoutMs: number;
  logger: Logger;
  /** After a commit that wrote outbox rows (the relay's nudge). */
  onSent?: () => void;
}

export type TimeoutOutcome = 'cancelled' | 'capture-retried' | 'skipped';

export interface CheckoutSaga {
  /** The consumer's handlers, one per type in SAGA_HANDLED_TYPES. */
  handlers: MessageHandler[];
  /** The sweeper's step for one overdue order, in its own transaction (skips an order another holds). */
  timeOut(orderId: string): Promise<TimeoutOutcome>;
  /**
   * Cancels a locked order in the caller's transaction: CANCELLED with its reason, vendor orders
   * cancelled, `send` (the compensations), order.cancelled and order.status_changed. False when it
   * was no longer in its status.
   */
  cancel(tx: SqlClient, aggregate: OrderAggregate, reason: CancelReason, send: readonly SagaCommand[], correlationId: string): Promise<boolean>;
}

/**
 * The checkout saga's orchestrator. Each reply locks its order row (FOR UPDATE), asks the table in
 * domain/checkout-saga.ts what to do, and applies the move, its history row, its vendor orders and
 * its outbox rows in the inbox transaction that records the reply; the update is also conditional
 * on the status it read, so a handler and the sweeper never both move an order.
 */
export function createCheckoutSaga(deps: CheckoutSagaDeps): CheckoutSaga {
  const log = deps.logger.child({ component: 'CheckoutSaga' });
  const deadline = () => new Date(deps.clock().getTime() + deps.stepTimeoutMs);
  const m = deps.messages;

  /** The order events that go with a move: order.status_changed always, confirmed/cancelled on those. */
  const statusEvents = (aggregate: OrderAggregate, to: OrderStatus, correlationId: string, cancelReason?: CancelReason) => [
    m.statusChanged(aggregate, aggregate.order.status, to, correlationId),
    ...(to === 'CONFIRMED' ? [m.confirmed(aggregate, correlationId)] : []),
    ...(to === 'CANCELLED' ? [m.cancelled(aggregate, cancelReason ?? 'CANCELLED_BY_ADMIN', correlationId)] : []),
  ];

  const cancel: CheckoutSaga['cancel'] = (tx, aggregate, reason, send, correlationId) => {
    const note = `order ${aggregate.order.number} cancelled: ${reason}`;
    const change: OrderChange = {
      orderId: aggregate.order.id,
      from: aggregate.order.status,
      to: 'CANCELLED',
      reason,
      cancelReason: reason,
      stepDeadline: null,
      vendorOrders: { from: ['PENDING', 'CONFIRMED'], to: 'CANCELLED' },
      messages: [...m.commands(aggregate, send, correlationId, note), ...statusEvents(aggregate, 'CANCELLED', correlationId, reason)],
    };
    return deps.orders.apply(tx, change);
  };

  const onReply = (reply: SagaReply) => async (message: Envelope<{ orderId: string; paymentId?: string | null }>, tx: SqlClient) => {
    const { orderId } = message.payload;
    const fields = { orderId, type: message.type, messageId: message.id, correlationId: message.correlationId };
    const aggregate = await deps.orders.lock(tx, orderId);
    if (!aggregate) {
      // Not ours (another deployment sharing the exchange) or a forged id: nothing to do, and
      // retrying cannot make the order appear.
      log.warn(fields, 'saga reply for an unknown order ignored');
      return;
    }
    const { order } = aggregate;
    const decision = decideReply(reply, order.status, order.captureRequestedAt !== null);
    if (decision.kind === 'ignore') {
      log.info({ ...fields, status: order.status }, 'saga reply changes nothing (duplicate or out of date)');
      return;
    }
    if (decision.kind === 'late') {
      await deps.orders.send(tx, m.commands(aggregate, decision.send, message.correlationId, `order ${order.number} already ${order.status.toLowerCase()}`));
      log.info({ ...fields, status: order.status, sent: decision.send }, 'late saga reply for an ended order: compensating what it holds');
      return;
    }
    const { step } = decision;
    if (step.to === 'CANCELLED') {
      await cancel(tx, aggregate, step.cancelReason ?? 'CANCELLED_BY_ADMIN', step.send, message.correlationId);
      log.info({ ...fields, reason: step.cancelReason }, 'order cancelled by the saga');
      return;
    }
    const to = step.to ?? order.status;
    const applied = await deps.orders.apply(tx, {
      orderId,
      from: order.status,
      to: step.to,
      reason: reply,
      paymentId: reply === 'payment.authorized' ? (message.payload.paymentId ?? undefined) : undefined,
      captureRequested: step.captureRequested,
      confirmed: to === 'CONFIRMED',
      stepDeadline: SAGA_STATES.includes(to) ? deadline() : null,
      vendorOrders: to === 'CONFIRMED' ? { from: ['PENDING'], to: 'CONFIRMED' } : undefined,
      messages: [
        ...m.commands(aggregate, step.send, message.correlationId, `order ${order.number}`),
        ...(step.to !== null ? statusEvents(aggregate, step.to, message.correlationId) : []),
      ],
    });
    log.info({ ...fields, from: order.status, to, applied }, 'saga step applied');
  };

  const afterCommit = async () => deps.onSent?.();
  // Every reply locks only its own order (the lock statement takes a batch's orders in id order)
  // and waits on nothing outside the transaction: the replies of all steps share batches.
  const batchGroup = 'checkout-saga';

  const handlers: MessageHandler[] = [
    defineHandler({ contract: stockReservedV1, handle: onReply('inventory.stock_reserved'), afterCommit, batchGroup }),
    defineHandler({ contract: stockReservationFailedV1, handle: onReply('inventory.reservation_failed'), afterCommit, batchGroup }),
    defineHandler({ contract: paymentAuthorizedV1, handle: onReply('payment.authorized'), afterCommit, batchGroup }),
    defineHandler({ contract: paymentDeclinedV1, handle: onReply('payment.declined'), afterCommit, batchGroup }),
    defineHandler({ contract: stockCommittedV1, handle: onReply('inventory.stock_committed'), afterCommit, batchGroup }),
    defineHandler({ contract: stockCommitFailedV1, handle: onReply('inventory.commit_failed'), afterCommit, batchGroup }),
    defineHandler({ contract: paymentCapturedV1, handle: onReply('payment.captured'), afterCommit, batchGroup }),
    defineHandler({ contract: paymentCaptureFailedV1, handle: onReply('payment.capture_failed'), afterCommit, batchGroup }),
    defineHandler({
      contract: paymentCancelledV1,
      // A cancelled order whose captured money went back is REFUNDED; voids and no-ops change nothing.
      async handle(message, tx) {
        if (message.payload.outcome !== 'REFUNDED') return;
        const aggregate = await deps.orders.lock(tx, message.payload.orderId);
        if (!aggregate || aggregate.order.status !== 'CANCELLED') return;
        await deps.orders.apply(tx, {
          orderId: aggregate.order.id,
          from: 'CANCELLED',
          to: 'REFUNDED',
          reason: 'payment.cancelled: refunded',
          stepDeadline: null,
          messages: [m.statusChanged(aggregate, 'CANCELLED', 'REFUNDED', message.correlationId)],
        });
        log.info({ orderId: aggregate.order.id, messageId: message.id }, 'cancelled order refunded');
      },
      afterCommit,
      batchGroup,
    }),
  ];

  return {
    handlers,
    cancel,
    async timeOut(orderId) {
      const outcome = await deps.orders.transaction(async (tx): Promise<TimeoutOutcome> => {
        const aggregate = await deps.orders.lock(tx, orderId, { skipLocked: true });
        // Held by a handler right now (it will move the order and its deadline) or gone.
        if (!aggregate) return 'skipped';
        const { order } = aggregate;
        // Re-checked under the lock: a reply may have moved it since the sweeper listed it.
        if (!order.stepDeadline || order.stepDeadline > deps.clock()) return 'skipped';
        const decision = decideTimeout(order.status, order.captureRequestedAt !== null);
        if (decision.kind === 'ignore') return 'skipped';
        if (decision.kind === 'retry-capture') {
          await deps.orders.apply(tx, {
            orderId,
            from: order.status,
            to: null,
            reason: 'capture retried',
            stepDeadline: deadline(),
            messages: [m.command(aggregate, 'payments.capture', order.correlationId, `order ${order.number}`)],
          });
          return 'capture-retried';
        }
        return (await cancel(tx, aggregate, 'TIMED_OUT', decision.send, order.correlationId)) ? 'cancelled' : 'skipped';
      });
      if (outcome !== 'skipped') {
        log.warn({ orderId, outcome }, outcome === 'cancelled' ? 'saga step timed out; order cancelled and compensated' : 'capture reply overdue; capture sent again');
        deps.onSent?.();
      }
      return outcome;
    },
  };
}
