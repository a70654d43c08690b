import DataLoader from 'dataloader';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { Category } from '../domain/category.ts';
import type { Product, ProductVariant } from '../domain/product.ts';
import type { CategoryRepository } from '../infra/category.repository.ts';
import type { ProductCache } from '../infra/product-cache.ts';
import type { ProductRepository } from '../infra/product.repository.ts';

/**
 * Per-request batching: every product, variant or category a request touches is fetched at most
 * once and in as few queries as possible (a page of 20 products with categories = one category
 * query). Products go through the Redis cache first.
 */
export interface CatalogLoaders {
  productById: DataLoader<string, Product | null>;
  variantById: DataLoader<string, ProductVariant | null>;
  categoryById: DataLoader<string, Category | null>;
  categoryChildren: DataLoader<string, Category[]>;
}

export interface CatalogLoaderDeps {
  products: Pick<ProductRepository, 'findByIds' | 'findVariantsByIds'>;
  categories: Pick<CategoryRepository, 'findByIds' | 'childrenOf'>;
  cache: Pick<ProductCache, 'byId'>;
}

function byKey<T extends { id: string }>(keys: readonly string[], items: Iterable<T>): (T | null)[] {
  const found = new Map([...items].map((item) => [item.id, item]));
  return keys.map((key) => found.get(key) ?? null);
}

export function createCatalogLoaders(deps: CatalogLoaderDeps): CatalogLoaders {
  return {
    productById: new DataLoader(async (ids) => {
      const found = await deps.cache.byId.load(ids.filter(isUuid), async (missing) => {
        const loaded = await deps.products.findByIds(missing);
        return new Map(loaded.map((product) => [product.id, product]));
      });
      return byKey(ids, found.values());
    }),
    variantById: new DataLoader(async (ids) => byKey(ids, await deps.products.findVariantsByIds(ids.filter(isUuid)))),
    categoryById: new DataLoader(async (ids) => byKey(ids, await deps.categories.findByIds(ids.filter(isUuid)))),
    categoryChildren: new DataLoader(async (parentIds) => {
      const children = await deps.categories.childrenOf(parentIds);
      return parentIds.map((parentId) => children.filter((child) => child.parentId === parentId));
    }),
  };
}
