import { z } from 'zod';
import { invalidArgument, ok, type Result } from '../../../platform/errors/result.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { cursorField } from '../../../platform/pagination/cursor-fields.ts';
import { textArgument } from '../../../platform/validation/text.ts';
import type { ProductStatus } from './product.ts';
import { parseSearchQuery, type SearchQuery } from './search-query.ts';

export const ProductSorts = ['RELEVANCE', 'NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'NAME_ASC'] as const;
export type ProductSort = (typeof ProductSorts)[number];

/**
 * RELEVANCE when searching, NEWEST otherwise. RELEVANCE without a search has nothing to rank by,
 * so it quietly means NEWEST: storefronts can keep sending their default sort.
 */
export function effectiveSort(requested: ProductSort | null | undefined, searching: boolean): ProductSort {
  if (!requested) return searching ? 'RELEVANCE' : 'NEWEST';
  if (requested === 'RELEVANCE' && !searching) return 'NEWEST';
  return requested;
}

/** One listed row's sort keys. The "from" price (cheapest variant) orders PRICE_ASC and PRICE_DESC alike. */
export interface ProductSortKeys {
  id: string;
  createdAt: Date;
  minPrice: number;
  /** The name as sorted: lower-cased. */
  name: string;
  /**
   * The search rank exactly as Postgres printed it. Kept as text because a JS number sent back
   * as a query parameter loses digits, and a keyset must compare the very same value.
   */
  rank: string;
}

const id = cursorField.id();
/**
 * What a cursor holds: the sort it belongs to and the last row's sort key plus id (the tie
 * breaker), so the next page starts strictly after that row (keyset; no OFFSET). Each key must
 * be a value of the column it is compared with: `created_at` timestamptz, `min_price` integer,
 * the lower-cased name, the float8 rank.
 */
export const productCursorSchema = z.discriminatedUnion('s', [
  z.object({ s: z.literal('NEWEST'), t: cursorField.timestamp(), id }),
  z.object({ s: z.literal('PRICE_ASC'), p: cursorField.int4(), id }),
  z.object({ s: z.literal('PRICE_DESC'), p: cursorField.int4(), id }),
  z.object({ s: z.literal('NAME_ASC'), n: cursorField.text(1000), id }),
  z.object({ s: z.literal('RELEVANCE'), r: cursorField.float8Text(), id }),
]);
export type ProductCursor = z.infer<typeof productCursorSchema>;

export function cursorFor(sort: ProductSort, keys: ProductSortKeys): ProductCursor {
  switch (sort) {
    case 'NEWEST':
      return { s: sort, t: keys.createdAt.toISOString(), id: keys.id };
    case 'PRICE_ASC':
    case 'PRICE_DESC':
      return { s: sort, p: keys.minPrice, id: keys.id };
    case 'NAME_ASC':
      return { s: sort, n: keys.name, id: keys.id };
    case 'RELEVANCE':
      return { s: sort, r: keys.rank, id: keys.id };
  }
}

/** A cursor from one sort (or search) cannot continue a list in another order. */
export function checkCursorSort(cursor: ProductCursor | null, sort: ProductSort): Result<ProductCursor | null> {
  if (cursor && cursor.s !== sort) return invalidArgument(`The \`after\` cursor belongs to a list sorted by ${cursor.s}, not ${sort}.`);
  return ok(cursor);
}

/** Inclusive bounds in minor units; a product matches when one of its variants' prices lies within them. */
export interface PriceBounds {
  min: number | null;
  max: number | null;
}

export function priceBounds(min: number | null | undefined, max: number | null | undefined): Result<PriceBounds | null> {
  const lower = min ?? null;
  const upper = max ?? null;
  if (lower === null && upper === null) return ok(null);
  for (const [name, value] of [['minPrice', lower], ['maxPrice', upper]] as const) {
    if (value !== null && (!Number.isSafeInteger(value) || value < 0)) {
      return invalidArgument(`\`${name}\` must be a whole, non-negative number of minor units; got ${value}.`);
    }
  }
  if (lower !== null && upper !== null && lower > upper) return invalidArgument(`\`minPrice\` (${lower}) must not exceed \`maxPrice\` (${upper}).`);
  return ok({ min: lower, max: upper });
}

export interface ProductFilterInput {
  search?: string | null;
  categoryId?: string | null;
  vendorId?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
}

export interface ProductFilter {
  search: SearchQuery | null;
  /** Includes the category's descendants. */
  categoryId: string | null;
  vendorId: string | null;
  price: PriceBounds | null;
}

export function normalizeProductFilter(input: ProductFilterInput | null | undefined): Result<ProductFilter> {
  const filter = input ?? {};
  for (const key of ['categoryId', 'vendorId'] as const) {
    const value = filter[key];
    if (value != null && !isUuid(value)) return invalidArgument(`\`filter.${key}\` must be a UUID.`);
  }
  const price = priceBounds(filter.minPrice, filter.maxPrice);
  if (!price.ok) return price;
  const search = filter.search != null ? textArgument(filter.search, 'filter.search') : ok(null);
  if (!search.ok) return search;
  return ok({
    search: parseSearchQuery(search.value),
    categoryId: filter.categoryId ?? null,
    vendorId: filter.vendorId ?? null,
    price: price.value,
  });
}

/** Whose products a list may show, decided by who asks (see access.ts). */
export interface ListingScope {
  statuses: readonly ProductStatus[];
  /** Restricts the list to one vendor regardless of the filter. */
  vendorId: string | null;
  /** Leaves out the products of suspended stores (what shoppers see); absent: keep them. */
  hideSuspendedVendors?: boolean;
}

/** A listing's full description: what the repository turns into one SQL query. */
export interface ProductListQuery {
  scope: ListingScope;
  filter: ProductFilter;
  sort: ProductSort;
  after: ProductCursor | null;
  limit: number;
}
