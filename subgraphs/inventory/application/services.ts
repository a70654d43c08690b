import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { NEVER_ABORTED } from '../../../platform/http/caller-signal.ts';
import type { ReservationRepository } from '../infra/reservation.repository.ts';
import type { StockRepository } from '../infra/stock.repository.ts';
import { systemClock, type Clock } from './clock.ts';
import type { ReservationBatcher } from './reservation-batcher.ts';
import { createInventoryLoaders } from './loaders.ts';
import { createReservationService, type ReservationService } from './reservation.service.ts';
import type { InventoryScope } from './scope.ts';
import { createStockService, type StockService } from './stock.service.ts';

/** What the services are built from: the repositories and the clock (specs move it). */
export interface InventoryAppDeps {
  stock: StockRepository;
  reservations: ReservationRepository;
  /** Groups concurrent reservations into one transaction (application/reservation-batcher.ts). */
  batcher: Pick<ReservationBatcher, 'reserve'>;
  clock?: Clock;
}

export interface InventoryServices {
  stock: StockService;
  /** Not behind GraphQL: for the checkout saga's handlers. */
  reservations: ReservationService;
}

export interface InventoryApp {
  /** Built once; every stock method takes the request's scope first. */
  services: InventoryServices;
  /** The request with its own DataLoaders and its caller's signal (the server's; specs may omit it). */
  scopeFor(request: BaseRequestContext, signal?: AbortSignal): InventoryScope;
}

/** The inventory's services over given repositories: app.ts serves them, specs call them directly. */
export function createInventoryApp(deps: InventoryAppDeps): InventoryApp {
  const clock = deps.clock ?? systemClock;
  return {
    services: {
      stock: createStockService(deps),
      reservations: createReservationService({ reservations: deps.reservations, batcher: deps.batcher, clock }),
    },
    scopeFor: (request, signal = NEVER_ABORTED) => ({ ...request, signal, loaders: createInventoryLoaders(deps, signal) }),
  };
}
