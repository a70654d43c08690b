import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import type { CategoryRepository } from '../infra/category.repository.ts';
import type { ListingCache } from '../infra/listing-cache.ts';
import type { ProductCache } from '../infra/product-cache.ts';
import type { ProductRepository } from '../infra/product.repository.ts';
import { createCatalogLoaders, type CatalogLoaders } from './catalog-loaders.ts';
import { CatalogQueryService } from './catalog-query.service.ts';
import { CategoryService } from './category.service.ts';
import { ProductService } from './product.service.ts';

/** What lives for the whole process: repositories and the caches. */
export interface CatalogDeps {
  products: ProductRepository;
  categories: CategoryRepository;
  cache: ProductCache;
  listings: ListingCache;
}

/** What each request gets: its own loaders and services bound to its viewer. */
export interface CatalogServices {
  queries: CatalogQueryService;
  products: ProductService;
  categories: CategoryService;
}

export function createRequestScope(deps: CatalogDeps, base: BaseRequestContext): { loaders: CatalogLoaders; services: CatalogServices } {
  const loaders = createCatalogLoaders(deps);
  const scope = { viewer: base.viewer, loaders, logger: base.logger };
  return {
    loaders,
    services: {
      queries: new CatalogQueryService(deps, scope),
      products: new ProductService(deps, scope),
      categories: new CategoryService(deps, scope),
    },
  };
}
