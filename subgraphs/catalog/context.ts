import type { BaseRequestContext } from '../../platform/graphql/request-context.ts';
import type { CatalogLoaders } from './application/catalog-loaders.ts';
import type { CatalogServices } from './application/catalog-services.ts';

/** What every catalog resolver gets: the caller, per-request loaders, and services bound to both. */
export interface CatalogContext extends BaseRequestContext {
  loaders: CatalogLoaders;
  services: CatalogServices;
}
