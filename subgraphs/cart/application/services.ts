import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { NEVER_ABORTED } from '../../../platform/http/caller-signal.ts';
import type { CartRepository } from '../infra/cart.repository.ts';
import { createCartService, type CartService } from './cart.service.ts';
import { systemClock, type Clock } from './clock.ts';
import { createCartLoaders } from './loaders.ts';
import type { CatalogReader, InventoryReader } from '../domain/ports.ts';
import type { CartScope } from './scope.ts';

/** What the services are built from: the repository, catalog's and inventory's read ports, a clock and the guest cart lifetime. */
export interface CartAppDeps {
  carts: CartRepository;
  catalog: CatalogReader;
  inventory: InventoryReader;
  guestCartTtlMs: number;
  clock?: Clock;
}

export interface CartServices {
  carts: CartService;
}

export interface CartApp {
  /** Built once; every method takes the request's scope first. */
  services: CartServices;
  /** The request with its own loaders (catalog's and inventory's answers for this request only) and its caller's signal. */
  scopeFor(request: BaseRequestContext, signal?: AbortSignal): CartScope;
}

/** The cart's services over a repository and the read ports: app.ts serves them, specs call them directly. */
export function createCartApp(deps: CartAppDeps): CartApp {
  const clock = deps.clock ?? systemClock;
  return {
    services: { carts: createCartService({ carts: deps.carts, clock, guestCartTtlMs: deps.guestCartTtlMs }) },
    scopeFor: (request, signal = NEVER_ABORTED) => ({ ...request, signal, loaders: createCartLoaders(deps, { requestId: request.requestId, signal }) }),
  };
}
