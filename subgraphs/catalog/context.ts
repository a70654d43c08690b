import type { CatalogScope } from './application/scope.ts';
import type { CatalogServices } from './application/services.ts';

/** What every catalog resolver receives: the request's scope (caller, logger, loaders) and the process-wide services. */
export interface CatalogContext extends CatalogScope {
  services: CatalogServices;
}
