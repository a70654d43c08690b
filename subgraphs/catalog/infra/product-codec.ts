import { money, type Money } from '../../../platform/money/money.ts';
import type { Product } from '../domain/product.ts';

/**
 * How a product is stored in Redis (the product cache and the listing cache share it). Bump
 * FORMAT when the shape changes: entries of another format are then ignored, never misread.
 */
export const PRODUCT_FORMAT = 1;

export type StoredProduct = Omit<Product, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

export function storeProduct(product: Product): StoredProduct {
  return { ...product, createdAt: product.createdAt.toISOString(), updatedAt: product.updatedAt.toISOString() };
}

const revive = (value: Money): Money => money(value.amount, value.currency);

/** Throws on a malformed entry; callers treat that as a miss. */
export function reviveProduct(stored: StoredProduct): Product {
  return {
    ...stored,
    priceRange: { min: revive(stored.priceRange.min), max: revive(stored.priceRange.max) },
    variants: stored.variants.map((variant) => ({
      ...variant,
      price: revive(variant.price),
      compareAtPrice: variant.compareAtPrice ? revive(variant.compareAtPrice) : null,
    })),
    createdAt: new Date(stored.createdAt),
    updatedAt: new Date(stored.updatedAt),
  };
}
