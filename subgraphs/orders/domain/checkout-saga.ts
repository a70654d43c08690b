import type { CancelReason, OrderStatus } from './order.process.ts';
import { orderProcess, SAGA_STATES } from './order.process.ts';

/** The commands orders sends in the saga (their contracts' types). */
export type SagaCommand = 'inventory.reserve' | 'inventory.commit' | 'inventory.release' | 'payments.authorize' | 'payments.capture' | 'payments.cancel';

/** The replies the saga waits for (their contracts' types). */
export const SagaReplies = [
  'inventory.stock_reserved',
  'inventory.reservation_failed',
  'payment.authorized',
  'payment.declined',
  'inventory.stock_committed',
  'inventory.commit_failed',
  'payment.captured',
  'payment.capture_failed',
] as const;
export type SagaReply = (typeof SagaReplies)[number];

/** What one reply does to an order that waits for it, and what it sends if the order already ended. */
export interface SagaStep {
  /** The status in which the order waits for this reply. */
  when: OrderStatus;
  /** The status it moves to; null: it stays (a step inside one status). */
  to: OrderStatus | null;
  /** Commands sent with the move (in this order). */
  send: readonly SagaCommand[];
  cancelReason?: CancelReason;
  /** The capture was asked for: from then on a timeout re-sends it instead of cancelling. */
  captureRequested?: boolean;
  /**
   * Sent when the reply finds the order already ended (cancelled by a timeout or the customer
   * while the step ran): what the late reply holds must be given back. Both commands are
   * idempotent, so re-sending one the cancellation already sent is harmless.
   */
  late: readonly SagaCommand[];
}

/**
 * The checkout saga as a table: each reply, the status it is expected in, the move and the
 * commands it sends. Forward: reserved → authorize; authorized → commit; committed → capture;
 * captured → CONFIRMED. Compensations: out of stock → CANCELLED; declined → release; commit failed
 * → void + release; capture failed → release + void. A reply that finds its order in any other
 * non-ended status is a duplicate or out of date, and changes nothing.
 */
export const CHECKOUT_SAGA: Readonly<Record<SagaReply, SagaStep>> = {
  'inventory.stock_reserved': { when: 'PENDING', to: 'STOCK_RESERVED', send: ['payments.authorize'], late: ['inventory.release'] },
  'inventory.reservation_failed': { when: 'PENDING', to: 'CANCELLED', cancelReason: 'OUT_OF_STOCK', send: [], late: [] },
  'payment.authorized': { when: 'STOCK_RESERVED', to: 'PAYMENT_AUTHORIZED', send: ['inventory.commit'], late: ['payments.cancel'] },
  'payment.declined': { when: 'STOCK_RESERVED', to: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED', send: ['inventory.release'], late: [] },
  'inventory.stock_committed': { when: 'PAYMENT_AUTHORIZED', to: null, captureRequested: true, send: ['payments.capture'], late: ['inventory.release'] },
  'inventory.commit_failed': { when: 'PAYMENT_AUTHORIZED', to: 'CANCELLED', cancelReason: 'OUT_OF_STOCK', send: ['payments.cancel', 'inventory.release'], late: [] },
  'payment.captured': { when: 'PAYMENT_AUTHORIZED', to: 'CONFIRMED', send: [], late: ['payments.cancel'] },
  'payment.capture_failed': { when: 'PAYMENT_AUTHORIZED', to: 'CANCELLED', cancelReason: 'PAYMENT_FAILED', send: ['inventory.release', 'payments.cancel'], late: [] },
};

/** Statuses in which an order no longer takes part in the checkout: a reply then is late. */
export const ENDED: readonly OrderStatus[] = ['CANCELLED', 'REFUNDED'];

/** What a reply does to an order in `status` (with or without capture asked for). */
export type SagaDecision =
  | { kind: 'advance'; step: SagaStep }
  | { kind: 'late'; send: readonly SagaCommand[] }
  | { kind: 'ignore' };

export function decideReply(reply: SagaReply, status: OrderStatus, captureRequested: boolean): SagaDecision {
  const step = CHECKOUT_SAGA[reply];
  if (status === step.when) {
    // A second stock_committed (inventory re-sent it) finds capture already asked for.
    if (step.captureRequested && captureRequested) return { kind: 'ignore' };
    return { kind: 'advance', step };
  }
  if (ENDED.includes(status)) return step.late.length > 0 ? { kind: 'late', send: step.late } : { kind: 'ignore' };
  return { kind: 'ignore' };
}

/**
 * What a passed deadline does: an order waiting for its capture reply re-sends the capture (the
 * money may already be taken; cancelling now could strand a capture), anything else before
 * confirmation is cancelled with both compensations (release and void are idempotent, so sending
 * one that had nothing to undo is harmless).
 */
export type TimeoutDecision = { kind: 'retry-capture' } | { kind: 'cancel'; send: readonly SagaCommand[] } | { kind: 'ignore' };

export function decideTimeout(status: OrderStatus, captureRequested: boolean): TimeoutDecision {
  if (!SAGA_STATES.includes(status)) return { kind: 'ignore' };
  if (status === 'PAYMENT_AUTHORIZED' && captureRequested) return { kind: 'retry-capture' };
  return { kind: 'cancel', send: ['inventory.release', 'payments.cancel'] };
}

/** Checked at start-up (module load): every step's moves are in the order table. */
for (const [reply, step] of Object.entries(CHECKOUT_SAGA)) {
  if (step.to !== null && !orderProcess.canMove(step.when, step.to)) throw new Error(`checkout saga: ${reply} moves ${step.when} → ${step.to}, which the order table forbids`);
  if (step.to === 'CANCELLED' && !step.cancelReason) throw new Error(`checkout saga: ${reply} cancels without a reason`);
}
