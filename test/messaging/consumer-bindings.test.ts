import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logging/logger.ts';
import type { MessageHandler } from '../../platform/messaging/inbox-consumer.ts';
import { orderEventHandlers as cartOrderEventHandlers, CART_ORDERS_CONSUMER } from '../../subgraphs/cart/application/order-events.handlers.ts';
import { VENDOR_STATUS_CONSUMER, vendorStatusHandlers } from '../../subgraphs/catalog/application/vendor-status.handlers.ts';
import { INVENTORY_SAGA_CONSUMER, inventorySagaHandlers } from '../../subgraphs/inventory/application/saga.handlers.ts';
import { createCheckoutSaga, SAGA_CONSUMER } from '../../subgraphs/orders/application/checkout-saga.ts';
import { sagaMessages } from '../../subgraphs/orders/application/saga-messages.ts';
import { PAYMENTS_SAGA_CONSUMER, paymentSagaHandlers } from '../../subgraphs/payments/application/saga.handlers.ts';
import { MESSAGE_CONSUMERS, SUBGRAPH_NAMES, type MessageConsumerName } from '../../subgraphs/registry.ts';
import { ORDER_EVENTS_CONSUMER, orderEventHandlers as notificationOrderEventHandlers } from '../../workers/notifications/application/order-events.handlers.ts';
import { WORKER_NAMES } from '../../workers/registry.ts';

/**
 * The declared bindings of MESSAGE_CONSUMERS (what `npm run db:migrate` binds before any process
 * runs) against what each consumer really handles (what its own start binds): a handler added
 * without its binding would lose that type's messages on a fresh deployment, so the two must not
 * drift. Handlers are built as each app.ts builds them, over dependencies they must not touch
 * while being built.
 */
const logger = createLogger({ service: 'consumer-bindings-spec', level: 'silent', pretty: false });

/** A dependency that throws if anything reads it: building a consumer's handlers uses none. */
function untouched<T extends object>(): T {
  return new Proxy({} as T, {
    get(_target, property) {
      throw new Error(`a handler factory read ${String(property)} while building its handlers`);
    },
  });
}

/** Each consumer's own name constant and its runtime handlers; a consumer missing here fails to compile. */
const RUNTIME: Record<MessageConsumerName, { name: string; handlers: () => MessageHandler[] }> = {
  'catalog.vendor-status': { name: VENDOR_STATUS_CONSUMER, handlers: () => vendorStatusHandlers({ suspensions: untouched(), listings: untouched(), logger }) },
  'inventory.saga': { name: INVENTORY_SAGA_CONSUMER, handlers: () => inventorySagaHandlers({ reservations: untouched(), logger, outbox: { nudge: () => undefined } }) },
  'cart.orders': { name: CART_ORDERS_CONSUMER, handlers: () => cartOrderEventHandlers({ carts: untouched(), logger }) },
  'payments.saga': { name: PAYMENTS_SAGA_CONSUMER, handlers: () => paymentSagaHandlers({ payments: untouched(), logger, nudgeRelay: () => undefined }) },
  'orders.saga': {
    name: SAGA_CONSUMER,
    handlers: () =>
      createCheckoutSaga({ orders: untouched(), messages: sagaMessages({ reservationTtlSeconds: 900 }), clock: () => new Date(), stepTimeoutMs: 30_000, logger }).handlers,
  },
  'notifications.orders': { name: ORDER_EVENTS_CONSUMER, handlers: () => notificationOrderEventHandlers({ emails: untouched(), nudge: () => undefined, logger }) },
};

const sorted = (types: Iterable<string>) => [...new Set(types)].sort();

describe('MESSAGE_CONSUMERS', () => {
  it.each(MESSAGE_CONSUMERS.map((consumer) => [consumer.name, consumer] as const))('%s binds exactly the types its handlers take', (name, consumer) => {
    const runtime = RUNTIME[name];
    expect(runtime.name, 'the consumer’s own name constant').toBe(name);
    expect(sorted(consumer.bindings)).toEqual(sorted(runtime.handlers().map((handler) => handler.contract.type)));
    // Declared once each: the list is read by people too.
    expect(consumer.bindings).toHaveLength(new Set(consumer.bindings).size);
  });

  it('names each consumer once, after the process that runs it', () => {
    const names = MESSAGE_CONSUMERS.map((consumer) => consumer.name);
    expect(names).toHaveLength(new Set(names).size);
    const processes: readonly string[] = [...SUBGRAPH_NAMES, ...WORKER_NAMES];
    for (const consumer of MESSAGE_CONSUMERS) {
      expect(processes, consumer.name).toContain(consumer.owner);
      expect(consumer.name.startsWith(`${consumer.owner}.`), consumer.name).toBe(true);
    }
  });
});
