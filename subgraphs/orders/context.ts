import type { OrdersScope } from './application/scope.ts';
import type { OrdersServices } from './application/services.ts';

/** What every orders resolver receives: the request's scope (caller, logger, signal) and the process-wide services. */
export interface OrdersContext extends OrdersScope {
  services: OrdersServices;
}
