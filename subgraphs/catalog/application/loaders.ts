import { entityLoader, groupLoader } from '../../../platform/batching/dataloaders.ts';
import type { CategoryRepository } from '../infra/category.repository.ts';
import type { ProductCache } from '../infra/product-cache.ts';
import type { ProductRepository } from '../infra/product.repository.ts';
import type { VendorSuspensionRepository } from '../infra/vendor-suspension.repository.ts';

export interface CatalogLoaderDeps {
  products: Pick<ProductRepository, 'findByIds' | 'findVariantsByIds'>;
  categories: Pick<CategoryRepository, 'findByIds' | 'childrenOf'>;
  cache: Pick<ProductCache, 'byId'>;
  suspensions: Pick<VendorSuspensionRepository, 'suspendedAmong'>;
}

/**
 * Per-request batching: every product, variant or category a request touches is fetched at most
 * once and in as few queries as possible (a page of 20 products with categories = one category
 * query). Products go through the Redis cache first. Once `signal` fires, nothing more is read.
 */
export function createCatalogLoaders(deps: CatalogLoaderDeps, signal?: AbortSignal) {
  return {
    productById: entityLoader({ load: (ids) => deps.products.findByIds(ids), keyOf: (product) => product.id, cache: deps.cache.byId, signal }),
    variantById: entityLoader({ load: (ids) => deps.products.findVariantsByIds(ids), keyOf: (variant) => variant.id, signal }),
    categoryById: entityLoader({ load: (ids) => deps.categories.findByIds(ids), keyOf: (category) => category.id, signal }),
    /** Non-null when the store is suspended; never cached across requests, so a change shows at once. */
    suspendedVendor: entityLoader({ load: async (ids) => (await deps.suspensions.suspendedAmong(ids)).map((vendorId) => ({ vendorId })), keyOf: (row) => row.vendorId, signal }),
    categoryChildren: groupLoader({ load: (ids) => deps.categories.childrenOf(ids), keyOf: (category) => category.parentId, signal }),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
