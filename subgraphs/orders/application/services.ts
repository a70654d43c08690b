import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { NEVER_ABORTED } from '../../../platform/http/caller-signal.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { TaxRates } from '../domain/totals.ts';
import type { OrderRepository } from '../infra/order.repository.ts';
import { createCheckoutSaga, type CheckoutSaga } from './checkout-saga.ts';
import { systemClock, type Clock } from './clock.ts';
import { createOrderService, type OrderService } from './order.service.ts';
import type { CartPort, CatalogPort } from './ports.ts';
import { sagaMessages } from './saga-messages.ts';
import { createSagaSweeper, type SagaSweeper } from './saga-sweeper.ts';
import type { OrdersScope } from './scope.ts';

/** The rules' settings, from config (specs pass their own). */
export interface OrdersSettings {
  shippingFlatFee: number;
  taxRates: TaxRates;
  stepTimeoutMs: number;
  reservationTtlSeconds: number;
}

/** What the services are built from: the repository, the ports to cart and catalog, the clock (specs move it). */
export interface OrdersAppDeps {
  orders: OrderRepository;
  cart: CartPort;
  catalog: CatalogPort;
  settings: OrdersSettings;
  logger: Logger;
  clock?: Clock;
  /** Called after a commit that wrote outbox rows (app.ts: the relay's nudge). */
  onSent?: () => void;
}

export interface OrdersServices {
  orders: OrderService;
}

export interface OrdersApp {
  /** Built once; every method takes the request's scope first. */
  services: OrdersServices;
  /** The checkout saga's orchestrator: its consumer's handlers and the sweeper's step. */
  saga: CheckoutSaga;
  sweeper: SagaSweeper;
  scopeFor(request: BaseRequestContext, signal?: AbortSignal): OrdersScope;
}

/** The orders services over given repositories and ports: app.ts serves them, specs call them directly. */
export function createOrdersApp(deps: OrdersAppDeps): OrdersApp {
  const clock = deps.clock ?? systemClock;
  const messages = sagaMessages({ reservationTtlSeconds: deps.settings.reservationTtlSeconds });
  const saga = createCheckoutSaga({ orders: deps.orders, messages, clock, stepTimeoutMs: deps.settings.stepTimeoutMs, logger: deps.logger, onSent: deps.onSent });
  return {
    services: {
      orders: createOrderService({
        orders: deps.orders,
        cart: deps.cart,
        catalog: deps.catalog,
        saga,
        messages,
        clock,
        stepTimeoutMs: deps.settings.stepTimeoutMs,
        shippingFlatFee: deps.settings.shippingFlatFee,
        taxRates: deps.settings.taxRates,
        onSent: deps.onSent,
      }),
    },
    saga,
    sweeper: createSagaSweeper({ orders: deps.orders, saga, clock, logger: deps.logger }),
    scopeFor: (request, signal = NEVER_ABORTED) => ({ ...request, signal }),
  };
}
