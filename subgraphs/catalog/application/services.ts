import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { NEVER_ABORTED } from '../../../platform/http/caller-signal.ts';
import type { CategoryRepository } from '../infra/category.repository.ts';
import type { ListingCache } from '../infra/listing-cache.ts';
import type { ProductCache } from '../infra/product-cache.ts';
import type { ProductRepository } from '../infra/product.repository.ts';
import type { VendorSuspensionRepository } from '../infra/vendor-suspension.repository.ts';
import { createCatalogQueryService, type CatalogQueryService } from './catalog-query.service.ts';
import { createCategoryService, type CategoryService } from './category.service.ts';
import { createCatalogLoaders } from './loaders.ts';
import { createProductService, type ProductService } from './product.service.ts';
import type { CatalogScope } from './scope.ts';

/** What the services are built from: the repositories and the Redis caches. */
export interface CatalogAppDeps {
  products: ProductRepository;
  categories: CategoryRepository;
  cache: ProductCache;
  listings: ListingCache;
  /** Catalog's record of suspended stores (fed by the users subgraph's events). */
  suspensions: VendorSuspensionRepository;
}

export interface CatalogServices {
  queries: CatalogQueryService;
  products: ProductService;
  categories: CategoryService;
}

export interface CatalogApp {
  /** Built once; every method takes the request's scope first. */
  services: CatalogServices;
  /**
   * The request with its own DataLoaders, so batching and memoising never cross callers, and its
   * caller's signal (the server's; specs may omit it).
   */
  scopeFor(request: BaseRequestContext, signal?: AbortSignal): CatalogScope;
}

/** The catalog's services over given repositories and caches: app.ts serves them, specs call them directly. */
export function createCatalogApp(deps: CatalogAppDeps): CatalogApp {
  return {
    services: {
      queries: createCatalogQueryService(deps),
      products: createProductService(deps),
      categories: createCategoryService(deps),
    },
    scopeFor: (request, signal = NEVER_ABORTED) => ({ ...request, signal, loaders: createCatalogLoaders(deps, signal) }),
  };
}
