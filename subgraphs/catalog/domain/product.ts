import type { Money } from '../../../platform/money/money.ts';

export const ProductStatuses = ['DRAFT', 'ACTIVE', 'ARCHIVED'] as const;
export type ProductStatus = (typeof ProductStatuses)[number];

/** One choice that tells variants apart, e.g. `{ name: "Size", value: "M" }`. */
export interface OptionValue {
  name: string;
  value: string;
}

export interface ProductVariant {
  id: string;
  productId: string;
  sku: string;
  title: string | null;
  options: OptionValue[];
  price: Money;
  /** The "was" price shown struck through; always above `price` when set. */
  compareAtPrice: Money | null;
  position: number;
}

export interface PriceRange {
  min: Money;
  max: Money;
}

/** A product as the catalog knows it: always with its variants (a product has at least one). */
export interface Product {
  id: string;
  /** The owning vendor's id in the users subgraph. */
  vendorId: string;
  categoryId: string | null;
  name: string;
  slug: string;
  description: string;
  status: ProductStatus;
  imageUrls: string[];
  priceRange: PriceRange;
  variants: ProductVariant[];
  createdAt: Date;
  updatedAt: Date;
}

/** Cheapest and dearest variant price; every variant of a product shares one currency. */
export function priceRangeOf(variants: readonly Pick<ProductVariant, 'price'>[]): PriceRange | null {
  const [first, ...rest] = variants;
  if (!first) return null;
  let min = first.price;
  let max = first.price;
  for (const { price } of rest) {
    if (price.amount < min.amount) min = price;
    if (price.amount > max.amount) max = price;
  }
  return { min, max };
}

/** A vendor as the catalog knows it: only its id (the users subgraph owns the rest). */
export interface VendorRef {
  id: string;
}
