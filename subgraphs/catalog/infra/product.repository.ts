import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { money, type Money } from '../../../platform/money/money.ts';
import { isUniqueViolationOn } from '../../../platform/prisma/unique-violation.ts';
import type { OptionValue, Product, ProductStatus, ProductVariant } from '../domain/product.ts';
import type { ListingScope, ProductFilter, ProductListQuery, ProductSortKeys } from '../domain/product-listing.ts';
import type { ValidProductPatch, ValidVariant } from '../domain/product.validation.ts';
import { Prisma, type CatalogPrisma, type CatalogTransaction } from './prisma.ts';

export interface NewVariantRecord extends ValidVariant {
  id: string;
  position: number;
}

/** A product about to be inserted: its own fields, with variants as validated input and one currency. */
export interface NewProductRecord extends Omit<Product, 'priceRange' | 'variants' | 'createdAt' | 'updatedAt'> {
  currency: string;
  variants: NewVariantRecord[];
}

/** A variant as carts and checkout read it (catalog's internal route /internal/variants). */
export interface VariantForSale {
  id: string;
  productId: string;
  vendorId: string;
  sku: string;
  productName: string;
  title: string | null;
  price: Money;
  onSale: boolean;
}

export interface FacetCount {
  id: string;
  count: number;
}

/**
 * Products and their variants in the catalog database. Listing SQL is composed only from
 * `Prisma.sql` tagged templates: every value is a bound parameter, never spliced into text.
 * Writes report a unique index they hit (a race the service's checks could not see) as a result.
 */
export interface ProductRepository {
  findByIds(ids: readonly string[]): Promise<Product[]>;
  findById(id: string): Promise<Product | null>;
  findIdBySlug(slug: string): Promise<string | null>;
  slugTaken(slug: string, exceptProductId?: string | null): Promise<boolean>;
  /** Which of these SKUs another variant already uses. */
  takenSkus(skus: readonly string[], exceptVariantId?: string | null): Promise<string[]>;
  findVariantsByIds(ids: readonly string[]): Promise<ProductVariant[]>;
  /**
   * Variants with what a cart or a checkout needs of their product, in one statement: its name,
   * vendor, and whether it is on sale (ACTIVE and its store not suspended in vendor_suspensions,
   * the rule of `Product.onSale`). Unknown ids are left out. Never cached: read fresh each time.
   */
  variantsForSale(ids: readonly string[]): Promise<VariantForSale[]>;
  /** The product and its variants in one transaction: a product is never seen without a price. */
  insert(record: NewProductRecord): Promise<Result<void, 'SLUG_TAKEN' | 'SKU_TAKEN'>>;
  update(id: string, patch: ValidProductPatch): Promise<Result<void, 'SLUG_TAKEN'>>;
  /**
   * Moves the status only if it is still `from`, so two concurrent moves cannot both apply
   * (the loser sees `false` and re-reads).
   */
  changeStatus(id: string, from: ProductStatus, to: ProductStatus): Promise<boolean>;
  /** The variant and the product's new price range, in one transaction. */
  insertVariant(productId: string, variant: NewVariantRecord): Promise<Result<void, 'SKU_TAKEN'>>;
  updateVariant(variantId: string, productId: string, variant: ValidVariant): Promise<Result<void, 'SKU_TAKEN'>>;
  nextVariantPosition(productId: string): Promise<{ position: number; count: number }>;
  /** One page of sort keys (limit + 1 rows, the extra one only says whether more follow). */
  list(query: ProductListQuery): Promise<ProductSortKeys[]>;
  /**
   * A page of sort keys plus the listing's total, in one statement: one pool checkout and one
   * round trip instead of two.
   */
  page(query: ProductListQuery): Promise<{ rows: ProductSortKeys[]; totalCount: number }>;
  count(scope: ListingScope, filter: ProductFilter): Promise<number>;
  /** Counts per category and per vendor of the products a listing would show, largest first. */
  facets(scope: ListingScope, filter: ProductFilter, limit: number): Promise<{ categories: FacetCount[]; vendors: FacetCount[] }>;
}

type VariantRow = {
  id: string;
  productId: string;
  sku: string;
  title: string | null;
  options: unknown;
  priceAmount: number;
  compareAtAmount: number | null;
  currency: string;
  position: number;
};

const variantOrder = [{ position: 'asc' as const }, { id: 'asc' as const }];

/** Options are written by this service only; reading defensively keeps a bad row from breaking a page. */
function optionsFrom(json: unknown): OptionValue[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((item: unknown) => {
    if (item && typeof item === 'object' && 'name' in item && 'value' in item) {
      return [{ name: String(item.name), value: String(item.value) }];
    }
    return [];
  });
}

function toVariant(row: VariantRow): ProductVariant {
  return {
    id: row.id,
    productId: row.productId,
    sku: row.sku,
    title: row.title,
    options: optionsFrom(row.options),
    price: money(row.priceAmount, row.currency),
    compareAtPrice: row.compareAtAmount === null ? null : money(row.compareAtAmount, row.currency),
    position: row.position,
  };
}

type ProductRow = Prisma.ProductGetPayload<{ include: { variants: true } }>;

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    vendorId: row.vendorId,
    categoryId: row.categoryId,
    name: row.name,
    slug: row.slug,
    description: row.description,
    status: row.status,
    imageUrls: row.imageUrls,
    priceRange: { min: money(row.minPrice, row.currency), max: money(row.maxPrice, row.currency) },
    variants: row.variants.map(toVariant),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function variantData(variant: NewVariantRecord | ValidVariant) {
  return {
    sku: variant.sku,
    title: variant.title,
    options: variant.options as unknown as Prisma.InputJsonValue,
    priceAmount: variant.price.amount,
    compareAtAmount: variant.compareAtPrice?.amount ?? null,
    currency: variant.price.currency,
  };
}

function priceRange(variants: readonly { price: Money }[]): { minPrice: number; maxPrice: number } {
  const amounts = variants.map((variant) => variant.price.amount);
  return { minPrice: Math.min(...amounts), maxPrice: Math.max(...amounts) };
}

/** Runs a write; a unique index it hits on one of `conflicts`' columns comes back as that conflict. */
async function conflictsAsResults<C extends string>(write: () => Promise<unknown>, conflicts: readonly (readonly [column: string, conflict: C])[]): Promise<Result<void, C>> {
  try {
    await write();
    return ok(undefined);
  } catch (error) {
    const hit = conflicts.find(([column]) => isUniqueViolationOn(error, column));
    if (hit) return fail(hit[1]);
    throw error;
  }
}

export function createProductRepository(db: CatalogPrisma): ProductRepository {
  const findByIds = async (ids: readonly string[]): Promise<Product[]> => {
    if (ids.length === 0) return [];
    const rows = await db.product.findMany({
      where: { id: { in: [...ids] } },
      include: { variants: { orderBy: variantOrder } },
    });
    return rows.map(toProduct);
  };

  const page = async (query: ProductListQuery): Promise<{ rows: ProductSortKeys[]; totalCount: number }> => {
    const where = whereClause(query.scope, query.filter);
    const rank = query.filter.search ? rankExpression(query.filter) : Prisma.sql`0::float8`;
    const { keyset, order } = ordering(query);
    // The count side always yields one row, so an empty page still reports its total (the page
    // columns are then NULL).
    const rows = await db.$queryRaw<
      { total: number; id: string | null; created_at: Date | null; min_price: number | null; name: string | null; rank: string | null }[]
    >`
      SELECT c.total, x.id, x.created_at, x.min_price, x.name, x.rank::text AS rank
      FROM (SELECT count(*)::int AS total FROM products p WHERE ${where}) c
      LEFT JOIN LATERAL (
        SELECT x.*
        FROM (
          SELECT p.id, p.created_at, p.min_price, lower(p.name) AS name, ${rank} AS rank
          FROM products p
          WHERE ${where}
        ) x
        WHERE ${keyset}
        ORDER BY ${order}
        LIMIT ${query.limit + 1}
      ) x ON TRUE
      ORDER BY ${order}`;
    const keys: ProductSortKeys[] = [];
    for (const row of rows) {
      if (row.id === null || row.created_at === null || row.min_price === null || row.name === null || row.rank === null) continue;
      keys.push({ id: row.id, createdAt: row.created_at, minPrice: row.min_price, name: row.name, rank: row.rank });
    }
    return { rows: keys, totalCount: rows[0]?.total ?? 0 };
  };

  return {
    findByIds,

    async findById(id) {
      const [product] = await findByIds([id]);
      return product ?? null;
    },

    async findIdBySlug(slug) {
      const row = await db.product.findUnique({ where: { slug }, select: { id: true } });
      return row?.id ?? null;
    },

    async slugTaken(slug, exceptProductId = null) {
      const row = await db.product.findUnique({ where: { slug }, select: { id: true } });
      return row !== null && row.id !== exceptProductId;
    },

    async takenSkus(skus, exceptVariantId = null) {
      if (skus.length === 0) return [];
      const rows = await db.productVariant.findMany({
        where: { sku: { in: [...skus] }, ...(exceptVariantId ? { id: { not: exceptVariantId } } : {}) },
        select: { sku: true },
      });
      return rows.map((row) => row.sku);
    },

    async findVariantsByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db.productVariant.findMany({ where: { id: { in: [...ids] } } });
      return rows.map(toVariant);
    },

    async variantsForSale(ids) {
      if (ids.length === 0) return [];
      const rows = await db.$queryRaw<
        { id: string; productId: string; vendorId: string; sku: string; productName: string; title: string | null; priceAmount: number; currency: string; onSale: boolean }[]
      >`
        SELECT v.id::text, v.product_id::text AS "productId", p.vendor_id::text AS "vendorId", v.sku, p.name AS "productName", v.title,
               v.price_amount AS "priceAmount", v.currency,
               (p.status = 'ACTIVE' AND NOT EXISTS (
                 SELECT 1 FROM vendor_suspensions s WHERE s.vendor_id = p.vendor_id AND s.suspended)) AS "onSale"
        FROM product_variants v JOIN products p ON p.id = v.product_id
        WHERE v.id = ANY(${[...ids]}::uuid[])`;
      return rows.map((row) => ({
        id: row.id,
        productId: row.productId,
        vendorId: row.vendorId,
        sku: row.sku,
        productName: row.productName,
        title: row.title,
        price: money(row.priceAmount, row.currency),
        onSale: row.onSale,
      }));
    },

    insert(record) {
      return conflictsAsResults(
        () =>
          db.$transaction([
            db.product.create({
              data: {
                id: record.id,
                vendorId: record.vendorId,
                categoryId: record.categoryId,
                name: record.name,
                slug: record.slug,
                description: record.description,
                status: record.status,
                imageUrls: record.imageUrls,
                currency: record.currency,
                ...priceRange(record.variants),
              },
            }),
            db.productVariant.createMany({
              data: record.variants.map((variant) => ({ id: variant.id, productId: record.id, position: variant.position, ...variantData(variant) })),
            }),
          ]),
        [
          ['sku', 'SKU_TAKEN'],
          ['slug', 'SLUG_TAKEN'],
        ],
      );
    },

    update(id, patch) {
      return conflictsAsResults(() => db.product.update({ where: { id }, data: patch }), [['slug', 'SLUG_TAKEN']]);
    },

    async changeStatus(id, from, to) {
      const { count } = await db.product.updateMany({ where: { id, status: from }, data: { status: to } });
      return count === 1;
    },

    insertVariant(productId, variant) {
      return conflictsAsResults(
        () =>
          db.$transaction(async (tx) => {
            await tx.productVariant.create({ data: { id: variant.id, productId, position: variant.position, ...variantData(variant) } });
            await refreshPriceRange(tx, productId);
          }),
        [['sku', 'SKU_TAKEN']],
      );
    },

    updateVariant(variantId, productId, variant) {
      return conflictsAsResults(
        () =>
          db.$transaction(async (tx) => {
            await tx.productVariant.update({ where: { id: variantId }, data: variantData(variant) });
            await refreshPriceRange(tx, productId);
          }),
        [['sku', 'SKU_TAKEN']],
      );
    },

    async nextVariantPosition(productId) {
      const result = await db.productVariant.aggregate({ where: { productId }, _max: { position: true }, _count: true });
      return { position: (result._max.position ?? -1) + 1, count: result._count };
    },

    async list(query) {
      return (await page(query)).rows;
    },

    page,

    async count(scope, filter) {
      const [row] = await db.$queryRaw<{ total: number }[]>`
        SELECT count(*)::int AS total FROM products p WHERE ${whereClause(scope, filter)}`;
      return row?.total ?? 0;
    },

    async facets(scope, filter, limit) {
      const where = whereClause(scope, filter);
      const [categories, vendors] = await Promise.all([
        db.$queryRaw<FacetCount[]>`
          SELECT p.category_id AS id, count(*)::int AS count
          FROM products p
          WHERE ${where} AND p.category_id IS NOT NULL
          GROUP BY p.category_id
          ORDER BY count DESC, p.category_id
          LIMIT ${limit}`,
        db.$queryRaw<FacetCount[]>`
          SELECT p.vendor_id AS id, count(*)::int AS count
          FROM products p
          WHERE ${where}
          GROUP BY p.vendor_id
          ORDER BY count DESC, p.vendor_id
          LIMIT ${limit}`,
      ]);
      return { categories, vendors };
    },
  };
}

async function refreshPriceRange(tx: CatalogTransaction, productId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE products SET
      min_price = (SELECT min(v.price_amount) FROM product_variants v WHERE v.product_id = ${productId}::uuid),
      max_price = (SELECT max(v.price_amount) FROM product_variants v WHERE v.product_id = ${productId}::uuid),
      updated_at = now()
    WHERE id = ${productId}::uuid`;
}

/** Postgres' own query for the parsed terms: stemmed words, or every word as a prefix. */
function tsQuery(filter: ProductFilter): Prisma.Sql {
  const search = filter.search;
  if (!search) return Prisma.sql`NULL::tsquery`;
  return Prisma.sql`(to_tsquery('english', ${search.stemmed}) || to_tsquery('simple', ${search.prefix}))`;
}

/** Text rank plus name similarity, in float8 so a cursor carries the exact value back. */
function rankExpression(filter: ProductFilter): Prisma.Sql {
  return Prisma.sql`(ts_rank(p.search_vector, ${tsQuery(filter)})::float8 + word_similarity(${filter.search?.fuzzy ?? ''}, p.name)::float8)`;
}

function whereClause(scope: ListingScope, filter: ProductFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`p.status = ANY(${[...scope.statuses]}::"ProductStatus"[])`];
  if (scope.vendorId) parts.push(Prisma.sql`p.vendor_id = ${scope.vendorId}::uuid`);
  if (scope.hideSuspendedVendors) {
    parts.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM vendor_suspensions vs WHERE vs.vendor_id = p.vendor_id AND vs.suspended)`);
  }
  if (filter.vendorId) parts.push(Prisma.sql`p.vendor_id = ${filter.vendorId}::uuid`);
  if (filter.categoryId) {
    // path_ids holds every ancestor, so this is the category and all of its descendants.
    parts.push(Prisma.sql`p.category_id IN (SELECT c.id FROM categories c WHERE c.path_ids @> ARRAY[${filter.categoryId}::uuid])`);
  }
  if (filter.price) {
    const bounds: Prisma.Sql[] = [];
    if (filter.price.min !== null) bounds.push(Prisma.sql`v.price_amount >= ${filter.price.min}`);
    if (filter.price.max !== null) bounds.push(Prisma.sql`v.price_amount <= ${filter.price.max}`);
    parts.push(Prisma.sql`EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id AND ${Prisma.join(bounds, ' AND ')})`);
  }
  if (filter.search) {
    // Full text (stems and prefixes) or, for typos, trigram word similarity on the name (`<%`
    // uses the GIN trigram index and the session's threshold, see prisma.ts).
    parts.push(Prisma.sql`(p.search_vector @@ ${tsQuery(filter)} OR ${filter.search.fuzzy} <% p.name)`);
  }
  return Prisma.join(parts, ' AND ');
}

/** ORDER BY and the keyset condition that starts strictly after the cursor's row, per sort. */
function ordering(query: ProductListQuery): { keyset: Prisma.Sql; order: Prisma.Sql } {
  const after = query.after;
  switch (query.sort) {
    case 'NEWEST':
      return {
        keyset: after?.s === 'NEWEST' ? Prisma.sql`(x.created_at, x.id) < (${after.t}::timestamptz, ${after.id}::uuid)` : Prisma.sql`TRUE`,
        order: Prisma.sql`x.created_at DESC, x.id DESC`,
      };
    case 'PRICE_ASC':
      return {
        keyset: after?.s === 'PRICE_ASC' ? Prisma.sql`(x.min_price, x.id) > (${after.p}::int, ${after.id}::uuid)` : Prisma.sql`TRUE`,
        order: Prisma.sql`x.min_price ASC, x.id ASC`,
      };
    case 'PRICE_DESC':
      return {
        keyset: after?.s === 'PRICE_DESC' ? Prisma.sql`(x.min_price, x.id) < (${after.p}::int, ${after.id}::uuid)` : Prisma.sql`TRUE`,
        order: Prisma.sql`x.min_price DESC, x.id DESC`,
      };
    case 'NAME_ASC':
      return {
        keyset: after?.s === 'NAME_ASC' ? Prisma.sql`(x.name, x.id) > (${after.n}::text, ${after.id}::uuid)` : Prisma.sql`TRUE`,
        order: Prisma.sql`x.name ASC, x.id ASC`,
      };
    case 'RELEVANCE':
      return {
        keyset: after?.s === 'RELEVANCE' ? Prisma.sql`(x.rank, x.id) < (${after.r}::float8, ${after.id}::uuid)` : Prisma.sql`TRUE`,
        order: Prisma.sql`x.rank DESC, x.id DESC`,
      };
  }
}
