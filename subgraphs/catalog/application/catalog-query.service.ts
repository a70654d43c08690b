import type { Viewer } from '../../../platform/auth/viewer.ts';
import { badUserInput } from '../../../platform/errors/graphql-errors.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import { lookupKey } from '../domain/lookup.ts';
import { canViewProduct, managementListing, PUBLIC_LISTING } from '../domain/product-access.ts';
import {
  checkCursorSort,
  cursorFor,
  effectiveSort,
  normalizeProductFilter,
  productCursorSchema,
  type Check,
  type ListingScope,
  type ProductFilter,
  type ProductFilterInput,
  type ProductListQuery,
  type ProductSort,
} from '../domain/product-listing.ts';
import { isUuid, type Product, type ProductStatus, type ProductVariant } from '../domain/product.ts';
import type { ListingCache } from '../infra/listing-cache.ts';
import type { ProductCache } from '../infra/product-cache.ts';
import type { ProductRepository } from '../infra/product.repository.ts';
import { requireAccess } from './access.ts';
import type { CatalogLoaders } from './catalog-loaders.ts';

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

function checked<T>(check: Check<T>): T {
  if (!check.ok) throw badUserInput(check.message);
  return check.value;
}

export interface QueryScope {
  viewer: Viewer | null;
  loaders: CatalogLoaders;
}

/** Reads for shoppers and for vendors managing their products. One instance per request. */
export class CatalogQueryService {
  constructor(
    private readonly deps: { products: ProductRepository; cache: ProductCache; listings: ListingCache },
    private readonly scope: QueryScope,
  ) {}

  /** The public storefront list: ACTIVE products only. */
  products(args: ProductListArgs): Promise<ProductConnection> {
    return this.list(PUBLIC_LISTING, args);
  }

  /** A vendor's own products (any status), or every vendor's for an admin. */
  async myProducts(args: ProductListArgs & { status?: ProductStatus | null }): Promise<ProductConnection> {
    return this.list(requireAccess(managementListing(this.scope.viewer, args.status)), args);
  }

  vendorProducts(vendorId: string, args: ProductListArgs): Promise<ProductConnection> {
    if (!isUuid(vendorId)) return Promise.resolve(emptyConnection());
    return this.list(PUBLIC_LISTING, { ...args, filter: { vendorId } });
  }

  categoryProducts(categoryId: string, args: ProductListArgs): Promise<ProductConnection> {
    return this.list(PUBLIC_LISTING, { ...args, filter: { categoryId } });
  }

  /** `product(id | slug)`: null when missing or not visible to the caller. */
  async product(args: { id?: string | null; slug?: string | null }): Promise<Product | null> {
    const key = checked(lookupKey(args, 'product'));
    const id = key.by === 'id' ? key.id : await this.idForSlug(key.slug);
    if (!id || !isUuid(id)) return null;
    const product = await this.scope.loaders.productById.load(id);
    if (!product || !canViewProduct(this.scope.viewer, product, 'direct')) return null;
    // A cached slug → id entry can outlive a slug change; never answer with a different slug.
    if (key.by === 'slug' && product.slug !== key.slug) return null;
    return product;
  }

  /** Another subgraph pointing at a product (e.g. an order line): archived products still resolve. */
  async productReference(id: string): Promise<Product | null> {
    const product = await this.scope.loaders.productById.load(id);
    return product && canViewProduct(this.scope.viewer, product, 'reference') ? product : null;
  }

  async variantReference(id: string): Promise<ProductVariant | null> {
    const variant = await this.scope.loaders.variantById.load(id);
    if (!variant) return null;
    const product = await this.productReference(variant.productId);
    return product ? variant : null;
  }

  /** Facet counts for a storefront filter; cached like the public listings. */
  async facets(filterInput: ProductFilterInput | null | undefined): Promise<ProductFacets> {
    const filter = checked(normalizeProductFilter(filterInput));
    return this.deps.listings.json('facets', { scope: PUBLIC_LISTING, filter: filterKey(filter) }, async () => {
      const [facets, totalCount] = await Promise.all([
        this.deps.products.facets(PUBLIC_LISTING, filter, FACET_LIMIT),
        this.deps.products.count(PUBLIC_LISTING, filter),
      ]);
      return {
        categories: facets.categories.map(({ id, count }) => ({ categoryId: id, count })),
        vendors: facets.vendors.map(({ id, count }) => ({ vendorId: id, count })),
        totalCount,
      };
    });
  }

  private async idForSlug(slug: string): Promise<string | null> {
    const cached = await this.deps.cache.idForSlug(slug);
    if (cached) return cached;
    const id = await this.deps.products.findIdBySlug(slug);
    if (id) await this.deps.cache.rememberSlug(slug, id);
    return id;
  }

  /**
   * Arguments are checked first (bad input fails the same with or without the cache). Public
   * listings are the same for every caller, so they go through the listing cache; management
   * listings (drafts, one vendor's view) are rare and always read fresh.
   */
  private async list(scope: ListingScope, args: ProductListArgs): Promise<ProductConnection> {
    const query: ProductListQuery = this.listQuery(scope, args);
    if (scope !== PUBLIC_LISTING) return this.readPage(query);
    const key = { scope, filter: filterKey(query.filter), sort: query.sort, after: query.after, limit: query.limit };
    return this.deps.listings.connection(key, () => this.readPage(query));
  }

  private listQuery(scope: ListingScope, args: ProductListArgs): ProductListQuery {
    const filter: ProductFilter = checked(normalizeProductFilter(args.filter));
    const sort = effectiveSort(args.sort, filter.search !== null);
    const page = pageRequest(args, productCursorSchema);
    const after = checked(checkCursorSort(page.after, sort));
    return { scope, filter, sort, after, limit: page.limit };
  }

  /** Sort keys and total in one statement, then the products through the loader (Redis, then one batched read). */
  private async readPage(query: ProductListQuery): Promise<ProductConnection> {
    const { rows: keys, totalCount } = await this.deps.products.page(query);
    const products = await this.scope.loaders.productById.loadMany(keys.slice(0, query.limit).map((row) => row.id));
    const rows = keys.map((row, index) => ({ row, product: products[index] }));
    const connection = toConnection(rows, { limit: query.limit, after: query.after }, totalCount, ({ row }) => cursorFor(query.sort, row));
    // Products are never deleted, so a listed id always loads; a failed load is an outage and throws.
    const edges = connection.edges.map(({ node, cursor }) => {
      if (!node.product || node.product instanceof Error) throw node.product ?? new Error(`listed product ${node.row.id} did not load`);
      return { node: node.product, cursor };
    });
    return { ...connection, edges };
  }
}

/** What of a filter decides a listing's contents: the search's terms (the rest of it derives from them). */
function filterKey(filter: ProductFilter) {
  return { ...filter, search: filter.search?.terms ?? null };
}

function emptyConnection(): ProductConnection {
  return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 };
}
