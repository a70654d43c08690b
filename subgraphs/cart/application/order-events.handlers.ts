import { orderConfirmedV1 } from '../../../contracts/orders.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/inbox-consumer.ts';
import type { CartRepository } from '../infra/cart.repository.ts';

/** The consumer's name: its queue is `<MESSAGING_PREFIX>cart.orders` (see subgraphs/registry.ts). */
export const CART_ORDERS_CONSUMER = 'cart.orders';

/**
 * order.confirmed from orders: the cart the order was placed from loses the lines that were
 * ordered. Only those: a product the shopper put in the cart after checking out stays, and so
 * does a line they changed after the confirmation (its `updated_at` is later than the event's
 * `occurredAt`). Idempotent (the inbox skips a redelivery, and removing removed lines removes
 * nothing); an order without a cart (cartId null) or for a cart gone since changes nothing.
 */
export function orderEventHandlers(deps: { carts: Pick<CartRepository, 'removeOrderedLines'>; logger: Logger }): MessageHandler[] {
  const log = deps.logger.child({ component: 'OrderEventHandlers' });
  return [
    defineHandler({
      contract: orderConfirmedV1,
      async handle(message, tx) {
        const { cartId, orderId } = message.payload;
        if (cartId === null) return;
        const variantIds = [...new Set(message.payload.vendorOrders.flatMap((vendorOrder) => vendorOrder.lines.map((line) => line.variantId.toLowerCase())))];
        const removed = await deps.carts.removeOrderedLines(tx, cartId, variantIds, new Date(message.occurredAt));
        log.info({ cartId, orderId, removed, messageId: message.id }, 'ordered lines removed from the cart');
      },
    }),
  ];
}
