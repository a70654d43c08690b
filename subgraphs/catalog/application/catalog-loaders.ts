import DataLoader from 'dataloader';
import type { Category } from '../domain/category.ts';
import { isUuid, type Product, type ProductVariant } from '../domain/product.ts';
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

export interface LoaderDeps {
  products: ProductRepository;
  categories: CategoryRepository;
  cache: ProductCache;
}

function byKey<T extends { id: string }>(keys: readonly string[], items: readonly T[]): (T | null)[] {
  const found = new Map(items.map((item) => [item.id, item]));
  return keys.map((key) => found.get(key) ?? null);
}

export function createCatalogLoaders(deps: LoaderDeps): CatalogLoaders {
  return {
    productById: new DataLoader(async (ids) => {
      const valid = ids.filter(isUuid);
      const cached = await deps.cache.getMany(valid);
      const missing = valid.filter((id) => !cached.has(id));
      const loaded = await deps.products.findByIds(missing);
      await deps.cache.setMany(loaded);
      return byKey(ids, [...cached.values(), ...loaded]);
    }),
    variantById: new DataLoader(async (ids) => byKey(ids, await deps.products.findVariantsByIds(ids.filter(isUuid)))),
    categoryById: new DataLoader(async (ids) => byKey(ids, await deps.categories.findByIds(ids.filter(isUuid)))),
    categoryChildren: new DataLoader(async (parentIds) => {
      const children = await deps.categories.childrenOf(parentIds);
      return parentIds.map((parentId) => children.filter((child) => child.parentId === parentId));
    }),
  };
}
