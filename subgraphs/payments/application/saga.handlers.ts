import { authorizePaymentV1, cancelPaymentV1, capturePaymentV1, refundPaymentV1 } from '../../../contracts/payments.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/inbox-consumer.ts';
import type { PaymentService } from './payment.service.ts';

/** The consumer's name: its queue is `<MESSAGING_PREFIX>payments.saga` (see subgraphs/registry.ts). */
export const PAYMENTS_SAGA_CONSUMER = 'payments.saga';

/**
 * The checkout saga's commands to payments (orders sends them). Each runs in the inbox
 * transaction that records the message as handled, and answers with a payment.* event written to
 * the outbox in that same transaction; the relay is nudged once it committed. Every step is
 * idempotent by the order (or refund) id, so a new message repeating a command answers the same.
 */
export function paymentSagaHandlers(deps: { payments: PaymentService; logger: Logger; nudgeRelay: () => void }): MessageHandler[] {
  const saga = (message: { correlationId: string }) => ({ correlationId: message.correlationId, logger: deps.logger.child({ correlationId: message.correlationId }) });
  const afterCommit = async () => deps.nudgeRelay();
  return [
    defineHandler({ contract: authorizePaymentV1, handle: (message, tx) => deps.payments.authorize(tx, message.payload, saga(message)), afterCommit }),
    defineHandler({ contract: capturePaymentV1, handle: (message, tx) => deps.payments.capture(tx, message.payload.orderId, saga(message)), afterCommit }),
    defineHandler({ contract: cancelPaymentV1, handle: (message, tx) => deps.payments.cancel(tx, message.payload.orderId, message.payload.reason, saga(message)), afterCommit }),
    defineHandler({ contract: refundPaymentV1, handle: (message, tx) => deps.payments.refund(tx, message.payload, saga(message)), afterCommit }),
  ];
}
