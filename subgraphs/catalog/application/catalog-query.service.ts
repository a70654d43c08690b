import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import { canViewProduct, managementListing, PUBLIC_LISTING } from '../domain/access.ts';
import { lookupKey } from '../../../platform/ids/lookup-key.ts';
import {
  checkCursorSort,
  cursorFor,
  effectiveSort,
  normalizeProductFilter,
  productCursorSchema,
  type ListingScope,
  type ProductFilter,
  type ProductFilterInput,
  type ProductListQuery,
  type ProductSort,
} from '../domain/product-listing.ts';
import type { Product, ProductStatus, ProductVariant } from '../domain/product.ts';
import type { ListingCache } from '../infra/listing-cache.ts';
import type { ProductCache } from '../infra/product-cache.ts';
import type { ProductRepository } from '../infra/product.repository.ts';
import type { CatalogScope } from './scope.ts';

export type ProductConnection = Connection<Product>;
export interface CategoryFacetCount {
  categoryId: string;
  count: number;
}
export interface VendorFacetCount {
  vendorId: string;
  count: number;
}
export interface ProductFacets {
  categories: CategoryFacetCount[];
  vendors: VendorFacetCount[];
  totalCount: number;
}

export interface ProductListArgs extends ConnectionArgs {
  filter?: ProductFilterInput | null;
  sort?: ProductSort | null;
}

/** Facet lists stay short enough for a filter menu. */
export const FACET_LIMIT = 20;

/**
 * Reads for shoppers and for vendors managing their products. Arguments a client got wrong and
 * access refusals are thrown (BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN); a product the caller
 * may not see reads as null, like a missing one.
 */
export interface CatalogQueryService {
  /** The public storefront list: ACTIVE products only. */
  products(scope: CatalogScope, args: ProductListArgs): Promise<ProductConnection>;
  /** A vendor's own products (any status), or every vendor's for an admin. */
  myProducts(scope: CatalogScope, args: ProductListArgs & { status?: ProductStatus | null }): Promise<ProductConnection>;
  /** `Vendor.products`: any id resolves; one that is not a UUID simply has no products. */
  vendorProducts(scope: CatalogScope, vendorId: string, args: ProductListArgs): Promise<ProductConnection>;
  /** `Category.products`: the category's and its descendants' products. */
  categoryProducts(scope: CatalogScope, categoryId: string, args: ProductListArgs): Promise<ProductConnection>;
  /** `product(id | slug)`: null when missing or not visible to the caller. */
  product(scope: CatalogScope, args: { id?: string | null; slug?: string | null }): Promise<Product | null>;
  /** Another subgraph pointing at a product (e.g. an order line): archived products still resolve. */
  productReference(scope: CatalogScope, id: string): Promise<Product | null>;
  variantReference(scope: CatalogScope, id: string): Promise<ProductVariant | null>;
  /** ACTIVE and its store not suspended (catalog's own record of vendor status events); read fresh per request. */
  onSale(scope: CatalogScope, product: Product): Promise<boolean>;
  /** The product a variant belongs to. Products are never deleted, so a miss is an outage and throws. */
  variantProduct(scope: CatalogScope, variant: ProductVariant): Promise<Product>;
  /** Facet counts for a storefront filter; cached like the public listings. */
  facets(scope: CatalogScope, filterInput: ProductFilterInput | null | undefined): Promise<ProductFacets>;
}

export interface CatalogQueryDeps {
  products: ProductRepository;
  cache: ProductCache;
  listings: ListingCache;
}

export function createCatalogQueryService(deps: CatalogQueryDeps): CatalogQueryService {
  const idForSlug = async (slug: string): Promise<string | null> => {
    const found = await deps.cache.idBySlug.load([slug], async () => {
      const id = await deps.products.findIdBySlug(slug);
      return new Map(id ? [[slug, id]] : []);
    });
    return found.get(slug) ?? null;
  };

  /** Sort keys and total in one statement, then the products through the loader (Redis, then one batched read). */
  const readPage = async (scope: CatalogScope, query: ProductListQuery): Promise<ProductConnection> => {
    const { rows: keys, totalCount } = await deps.products.page(query);
    const products = await scope.loaders.productById.loadMany(keys.slice(0, query.limit).map((row) => row.id));
    const rows = keys.map((row, index) => ({ row, product: products[index] }));
    const connection = toConnection(rows, { limit: query.limit, after: query.after }, totalCount, ({ row }) => cursorFor(query.sort, row));
    // Products are never deleted, so a listed id always loads; a failed load is an outage and throws.
    const edges = connection.edges.map(({ node, cursor }) => {
      if (!node.product || node.product instanceof Error) throw node.product ?? new Error(`listed product ${node.row.id} did not load`);
      return { node: node.product, cursor };
    });
    return { ...connection, edges };
  };

  /**
   * Arguments are checked first (bad input fails the same with or without the cache). Public
   * listings are the same for every caller, so they go through the listing cache; management
   * listings (drafts, one vendor's view) are rare and always read fresh.
   */
  const list = async (scope: CatalogScope, listing: ListingScope, args: ProductListArgs): Promise<ProductConnection> => {
    // A list is the expensive step (a page read, then its products): none for a caller that left.
    scope.signal.throwIfAborted();
    const filter: ProductFilter = valueOrThrow(normalizeProductFilter(args.filter));
    const sort = effectiveSort(args.sort, filter.search !== null);
    const page = valueOrThrow(pageRequest(args, productCursorSchema));
    const after = valueOrThrow(checkCursorSort(page.after, sort));
    const query: ProductListQuery = { scope: listing, filter, sort, after, limit: page.limit };
    if (listing !== PUBLIC_LISTING) return readPage(scope, query);
    const key = { scope: listing, filter: filterKey(filter), sort, after, limit: page.limit };
    return deps.listings.connection(key, () => readPage(scope, query));
  };

  const productReference = async (scope: CatalogScope, id: string): Promise<Product | null> => {
    const product = await scope.loaders.productById.load(id);
    return product && canViewProduct(scope.viewer, product, 'reference') ? product : null;
  };

  return {
    products: (scope, args) => list(scope, PUBLIC_LISTING, args),

    myProducts: (scope, args) => list(scope, valueOrThrow(managementListing(scope.viewer, args.status)), args),

    async vendorProducts(scope, vendorId, args) {
      if (!isUuid(vendorId)) return emptyConnection();
      return list(scope, PUBLIC_LISTING, { ...args, filter: { vendorId } });
    },

    categoryProducts: (scope, categoryId, args) => list(scope, PUBLIC_LISTING, { ...args, filter: { categoryId } }),

    async product(scope, args) {
      const key = valueOrThrow(lookupKey(args, 'product'));
      const id = key.by === 'id' ? key.id : await idForSlug(key.slug);
      if (!id || !isUuid(id)) return null;
      const product = await scope.loaders.productById.load(id);
      if (!product) return null;
      const vendorSuspended = product.status === 'ACTIVE' && (await scope.loaders.suspendedVendor.load(product.vendorId)) !== null;
      if (!canViewProduct(scope.viewer, product, 'direct', vendorSuspended)) return null;
      // A cached slug → id entry can outlive a slug change; never answer with a different slug.
      if (key.by === 'slug' && product.slug !== key.slug) return null;
      return product;
    },

    productReference,

    async variantReference(scope, id) {
      const variant = await scope.loaders.variantById.load(id);
      if (!variant) return null;
      return (await productReference(scope, variant.productId)) ? variant : null;
    },

    async onSale(scope, product) {
      if (product.status !== 'ACTIVE') return false;
      return (await scope.loaders.suspendedVendor.load(product.vendorId)) === null;
    },

    async variantProduct(scope, variant) {
      const product = await scope.loaders.productById.load(variant.productId);
      if (!product) throw new Error(`variant ${variant.id} has no product ${variant.productId}`);
      return product;
    },

    async facets(_scope, filterInput) {
      const filter = valueOrThrow(normalizeProductFilter(filterInput));
      return deps.listings.json('facets', { scope: PUBLIC_LISTING, filter: filterKey(filter) }, async () => {
        const [facets, totalCount] = await Promise.all([
          deps.products.facets(PUBLIC_LISTING, filter, FACET_LIMIT),
          deps.products.count(PUBLIC_LISTING, filter),
        ]);
        return {
          categories: facets.categories.map(({ id, count }) => ({ categoryId: id, count })),
          vendors: facets.vendors.map(({ id, count }) => ({ vendorId: id, count })),
          totalCount,
        };
      });
    },
  };
}

/** What of a filter decides a listing's contents: the search's terms (the rest of it derives from them). */
function filterKey(filter: ProductFilter) {
  return { ...filter, search: filter.search?.terms ?? null };
}

function emptyConnection(): ProductConnection {
  return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 };
}
