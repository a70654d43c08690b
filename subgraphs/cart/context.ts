import type { CartScope } from './application/scope.ts';
import type { CartServices } from './application/services.ts';

/** What every cart resolver receives: the request's scope (caller, logger, loaders) and the process-wide services. */
export interface CartContext extends CartScope {
  services: CartServices;
}
