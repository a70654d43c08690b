import type { InventoryScope } from './application/scope.ts';
import type { InventoryServices } from './application/services.ts';

/** What every inventory resolver receives: the request's scope (caller, logger, loaders) and the process-wide services. */
export interface InventoryContext extends InventoryScope {
  services: InventoryServices;
}
