import { orderCancelledV1, orderConfirmedV1, vendorOrderShippedV1 } from '../../../contracts/index.ts';
import type { Envelope } from '../../../contracts/envelope.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/inbox-consumer.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { emailsForOrderCancelled, emailsForOrderConfirmed, emailsForVendorOrderShipped, type OwedEmail } from '../domain/email.ts';
import type { EmailRepository } from '../infra/email.repository.ts';

/** The consumer's name: its queue is `<MESSAGING_PREFIX>notifications.orders` (see MESSAGE_CONSUMERS). */
export const ORDER_EVENTS_CONSUMER = 'notifications.orders';

/**
 * order.confirmed, order.cancelled and vendor_order.shipped from orders. In the inbox transaction
 * a handler only records the emails the event owes (no network: users and SMTP may be down, and
 * the message is acknowledged regardless); the sender delivers them, nudged after the commit.
 * A redelivered message is skipped by the inbox, and the email table's unique key would refuse
 * its emails anyway. Reordering: a confirmation that arrives after the order's cancellation was
 * recorded is stale and owes nothing.
 */
export function orderEventHandlers(deps: { emails: Pick<EmailRepository, 'insertOwed'>; nudge: () => void; logger: Logger }): MessageHandler[] {
  const log = deps.logger.child({ component: 'OrderEventHandlers' });
  const record = async (message: Envelope<unknown>, tx: SqlClient, owed: OwedEmail[], options?: { unlessOrderCancelled: string }) => {
    const source = { messageId: message.id, type: message.type, correlationId: message.correlationId };
    const { inserted, orderCancelled } = await deps.emails.insertOwed(tx, source, owed, options);
    if (orderCancelled) log.info({ ...source, orderId: options?.unlessOrderCancelled }, 'confirmation of an order already cancelled; no email');
    else log.info({ ...source, owed: owed.length, inserted }, 'emails owed');
  };
  const afterCommit = async () => deps.nudge();
  return [
    defineHandler({
      contract: orderConfirmedV1,
      handle: (message, tx) => record(message, tx, emailsForOrderConfirmed(message.payload), { unlessOrderCancelled: message.payload.orderId }),
      afterCommit,
    }),
    defineHandler({
      contract: orderCancelledV1,
      handle: (message, tx) => record(message, tx, emailsForOrderCancelled(message.payload)),
      afterCommit,
    }),
    defineHandler({
      contract: vendorOrderShippedV1,
      handle: (message, tx) => record(message, tx, emailsForVendorOrderShipped(message.payload)),
      afterCommit,
    }),
  ];
}
