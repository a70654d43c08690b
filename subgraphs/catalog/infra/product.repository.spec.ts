import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money } from '../../../platform/money/money.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';
import type { Category } from '../domain/category.ts';
import { cursorFor, normalizeProductFilter, ProductSorts, type ListingScope, type ProductFilter, type ProductFilterInput, type ProductSort } from '../domain/product-listing.ts';
import type { ProductStatus } from '../domain/product.ts';
import { createCategoryRepository } from './category.repository.ts';
import { createCatalogPrisma, type CatalogPrisma } from './prisma.ts';
import { createProductRepository, type ProductRepository } from './product.repository.ts';

/**
 * Listing, search, facets and keyset pagination against the real test database. The products of
 * `beforeAll` belong to one fresh vendor, every query is scoped to it, and no test adds to it, so
 * rows other specs (or other tests here) leave behind never disturb the counts. A test that
 * writes uses a vendor of its own.
 */
const vendorId = randomUUID();
const run = randomUUID().slice(0, 6);
const scope: ListingScope = { statuses: ['ACTIVE'], vendorId };
let prisma: CatalogPrisma;
let products: ProductRepository;
const tree: Record<'root' | 'mid' | 'leaf' | 'otherRoot', Category> = {} as never;

const filter = (input: ProductFilterInput = {}): ProductFilter => {
  const result = normalizeProductFilter(input);
  if (!result.ok) throw new Error(result.errors[0]?.message);
  return result.value;
};

async function insertProduct(options: {
  name: string;
  prices: number[];
  categoryId?: string | null;
  status?: ProductStatus;
  description?: string;
  createdAt?: Date;
  /** The shared fixture's vendor unless given. */
  vendorId?: string;
}): Promise<string> {
  const id = randomUUID();
  const inserted = await products.insert({
    id,
    vendorId: options.vendorId ?? vendorId,
    categoryId: options.categoryId ?? null,
    name: options.name,
    slug: `${run}-${id}`,
    description: options.description ?? '',
    status: options.status ?? 'ACTIVE',
    imageUrls: [],
    currency: 'EUR',
    variants: options.prices.map((amount, position) => ({
      id: randomUUID(),
      sku: `${run}-${id}-${position}`.toUpperCase(),
      title: null,
      options: [],
      price: money(amount, 'EUR'),
      compareAtPrice: null,
      position,
    })),
  });
  if (!inserted.ok) throw new Error(`could not insert ${options.name}: ${inserted.errors.join()}`);
  if (options.createdAt) await prisma.product.update({ where: { id }, data: { createdAt: options.createdAt } });
  return id;
}

/** Walks a whole list page by page through the repository, as a client would with cursors. */
async function walk(sort: ProductSort, pageSize: number, productFilter: ProductFilter = filter()) {
  const seen: string[] = [];
  let after = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const rows = await products.list({ scope, filter: productFilter, sort, after, limit: pageSize });
    const page = rows.slice(0, pageSize);
    seen.push(...page.map((row) => row.id));
    if (rows.length <= pageSize) return seen;
    after = cursorFor(sort, page.at(-1) as NonNullable<(typeof page)[number]>);
  }
  throw new Error('pagination did not end');
}

beforeAll(async () => {
  prisma = createCatalogPrisma(testDatabaseUrl('catalog'), 4);
  products = createProductRepository(prisma);
  const categories = createCategoryRepository(prisma);
  const make = async (name: string, parent: Category | null) => {
    const id = randomUUID();
    const inserted = await categories.insert({
      id,
      name,
      slug: `${name.toLowerCase()}-${run}`,
      parentId: parent?.id ?? null,
      pathIds: [...(parent?.pathIds ?? []), id],
      depth: parent ? parent.depth + 1 : 0,
    });
    if (!inserted.ok) throw new Error(`could not insert category ${name}`);
    return inserted.value;
  };
  tree.root = await make('Electronics', null);
  tree.mid = await make('Audio', tree.root);
  tree.leaf = await make('Headphones', tree.mid);
  tree.otherRoot = await make('Fashion', null);

  const sameInstant = new Date('2025-02-02T10:00:00.000Z');
  await insertProduct({ name: 'Aurora Wireless Headphones', prices: [12999, 14999], categoryId: tree.leaf.id, description: 'Noise cancelling, for running and travel.' });
  await insertProduct({ name: 'Studio Monitor Headphones', prices: [8999], categoryId: tree.leaf.id });
  await insertProduct({ name: 'Bluetooth Speaker', prices: [4999], categoryId: tree.mid.id, description: 'Pairs with headphones too.' });
  await insertProduct({ name: 'Linen Summer Shirt', prices: [2999, 3499, 3999], categoryId: tree.otherRoot.id });
  await insertProduct({ name: 'Linen Summer Skirt', prices: [3999], categoryId: tree.otherRoot.id });
  await insertProduct({ name: 'Draft Headphones', prices: [999], categoryId: tree.leaf.id, status: 'DRAFT' });
  await insertProduct({ name: 'Archived Headphones', prices: [999], categoryId: tree.leaf.id, status: 'ARCHIVED' });
  // Ties on every sort key, so the id tie-breaker has to keep pages apart.
  for (let i = 0; i < 30; i += 1) {
    await insertProduct({
      name: i % 2 === 0 ? 'Plain Mug' : 'plain mug',
      prices: [1000 + (i % 4) * 500],
      categoryId: i % 3 === 0 ? null : tree.otherRoot.id,
      createdAt: i % 5 === 0 ? sameInstant : undefined,
    });
  }
});

afterAll(async () => {
  await prisma?.$disconnect();
});

describe('keyset pagination', () => {
  it.each(ProductSorts.filter((sort) => sort !== 'RELEVANCE'))('walks every ACTIVE product once in %s order, for several page sizes', async (sort) => {
    const total = await products.count(scope, filter());
    expect(total).toBe(35);
    const whole = (await products.list({ scope, filter: filter(), sort, after: null, limit: 100 })).map((row) => row.id);
    expect(whole).toHaveLength(total);
    for (const size of [1, 4, 7, 35]) {
      const walked = await walk(sort, size);
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked).toEqual(whole);
    }
  });

  it('returns the page and the total in one statement, the total even past the last page', async () => {
    const first = await products.page({ scope, filter: filter(), sort: 'NEWEST', after: null, limit: 35 });
    expect(first.totalCount).toBe(35);
    expect(first.rows).toHaveLength(35);
    const last = first.rows.at(-1) as (typeof first.rows)[number];
    const beyond = await products.page({ scope, filter: filter(), sort: 'NEWEST', after: cursorFor('NEWEST', last), limit: 10 });
    expect(beyond).toEqual({ rows: [], totalCount: 35 });
    expect(await products.page({ scope, filter: filter({ vendorId: randomUUID() }), sort: 'NEWEST', after: null, limit: 10 })).toEqual({ rows: [], totalCount: 0 });
  });

  it('orders by the sort key with id as the tie-breaker', async () => {
    const rows = await products.list({ scope, filter: filter(), sort: 'PRICE_ASC', after: null, limit: 100 });
    for (let i = 1; i < rows.length; i += 1) {
      const [prev, cur] = [rows[i - 1], rows[i]] as [(typeof rows)[number], (typeof rows)[number]];
      expect(prev.minPrice < cur.minPrice || (prev.minPrice === cur.minPrice && prev.id < cur.id)).toBe(true);
    }
    const byName = await products.list({ scope, filter: filter(), sort: 'NAME_ASC', after: null, limit: 100 });
    expect(byName.map((row) => row.name)).toEqual([...byName.map((row) => row.name)].sort());
  });

  it('walks a RELEVANCE-ranked search without duplicates or gaps', async () => {
    const search = filter({ search: 'headphones' });
    const whole = (await products.list({ scope, filter: search, sort: 'RELEVANCE', after: null, limit: 100 })).map((row) => row.id);
    expect(whole.length).toBeGreaterThanOrEqual(3);
    expect(await walk('RELEVANCE', 1, search)).toEqual(whole);
  });
});

describe('search', () => {
  const found = async (text: string) => {
    const rows = await products.list({ scope, filter: filter({ search: text }), sort: 'RELEVANCE', after: null, limit: 100 });
    const byId = new Map((await products.findByIds(rows.map((row) => row.id))).map((p) => [p.id, p.name]));
    return rows.map((row) => byId.get(row.id));
  };

  it.each(['headphones', 'Headphone', 'headph', 'hedphones', 'HEADFONES', 'wireles'])('finds "Aurora Wireless Headphones" for %j', async (text) => {
    expect(await found(text)).toContain('Aurora Wireless Headphones');
  });

  it('ranks name matches above description matches', async () => {
    const ranked = await found('headphones');
    expect(ranked.indexOf('Bluetooth Speaker')).toBeGreaterThan(ranked.indexOf('Aurora Wireless Headphones'));
    expect(ranked).toContain('Bluetooth Speaker');
  });

  it('matches word forms and every term', async () => {
    expect(await found('shirts')).toContain('Linen Summer Shirt');
    expect(await found('linen shirt')).toEqual(expect.arrayContaining(['Linen Summer Shirt']));
    expect(await found('runnin')).toEqual(['Aurora Wireless Headphones']);
  });

  it('never lists drafts or archived products in the public scope', async () => {
    const names = await found('headphones');
    expect(names).not.toContain('Draft Headphones');
    expect(names).not.toContain('Archived Headphones');
  });

  it('treats operators and quotes in the text as separators, never as tsquery syntax', async () => {
    // As NOT, `!shirt` would list everything but the shirt; as text it names the shirt.
    expect(await found('!shirt')).toEqual(['Linen Summer Shirt']);
    // As NOT, `& !aurora` would drop Aurora; as text it is one more word to find.
    const headphones = await found('headphones:* & !aurora');
    expect(headphones).toContain('Aurora Wireless Headphones');
    expect(headphones.every((name) => name?.endsWith(' Headphones'))).toBe(true);
    expect(await found("studio:* | monitor'")).toEqual(['Studio Monitor Headphones']);
    // Operators around one letter leave that letter as a prefix ("aurora", "and" in its description).
    expect(await found('a & | ! ( ) :* <->')).toEqual(['Aurora Wireless Headphones']);
  });

  it('finds nothing for SQL typed as a search, and the table is intact', async () => {
    expect(await found("'); DROP TABLE products; --")).toEqual([]);
    expect(await products.count(scope, filter())).toBe(35);
  });
});

describe('filters', () => {
  it('includes descendants when filtering by category', async () => {
    expect(await products.count(scope, filter({ categoryId: tree.root.id }))).toBe(3);
    expect(await products.count(scope, filter({ categoryId: tree.mid.id }))).toBe(3);
    expect(await products.count(scope, filter({ categoryId: tree.leaf.id }))).toBe(2);
    expect(await products.count(scope, filter({ categoryId: tree.otherRoot.id }))).toBe(2 + 20);
  });

  it('matches a price when one variant lies within the bounds (inclusive)', async () => {
    // The shirt has variants at 29.99, 34.99 and 39.99.
    const shirt = async (min: number | null, max: number | null) => {
      const rows = await products.list({ scope, filter: filter({ search: 'linen shirt', minPrice: min, maxPrice: max }), sort: 'RELEVANCE', after: null, limit: 10 });
      const named = await products.findByIds(rows.map((row) => row.id));
      return named.some((product) => product.name === 'Linen Summer Shirt');
    };
    expect(await shirt(3000, 3300)).toBe(false);
    expect(await shirt(3000, 3499)).toBe(true);
    expect(await shirt(3999, null)).toBe(true);
    expect(await shirt(null, 2998)).toBe(false);
  });

  it('combines the vendor filter with the scope', async () => {
    expect(await products.count(scope, filter({ vendorId }))).toBe(35);
    expect(await products.count(scope, filter({ vendorId: randomUUID() }))).toBe(0);
  });
});

describe('facets', () => {
  it('counts matches per category and per vendor, largest first', async () => {
    const facets = await products.facets(scope, filter(), 20);
    expect(facets.categories).toEqual([
      { id: tree.otherRoot.id, count: 22 },
      { id: tree.leaf.id, count: 2 },
      { id: tree.mid.id, count: 1 },
    ]);
    expect(facets.vendors).toEqual([{ id: vendorId, count: 35 }]);
  });

  it('follows the search', async () => {
    const facets = await products.facets(scope, filter({ search: 'headphones' }), 20);
    expect(facets.categories).toEqual(
      expect.arrayContaining([
        { id: tree.leaf.id, count: 2 },
        { id: tree.mid.id, count: 1 },
      ]),
    );
    expect(facets.categories.find((facet) => facet.id === tree.otherRoot.id)).toBeUndefined();
  });

  it('honours the limit', async () => {
    expect((await products.facets(scope, filter(), 1)).categories).toHaveLength(1);
  });
});

describe('writes', () => {
  it('keeps the price range in step with the variants', async () => {
    const id = await insertProduct({ name: 'Range Check', prices: [500, 700], vendorId: randomUUID() });
    const product = await products.findById(id);
    expect(product?.priceRange).toEqual({ min: money(500, 'EUR'), max: money(700, 'EUR') });
    const [cheapest] = product?.variants ?? [];
    const updated = await products.updateVariant(cheapest?.id as string, id, {
      sku: cheapest?.sku as string,
      title: null,
      options: [],
      price: money(900, 'EUR'),
      compareAtPrice: null,
    });
    expect(updated).toEqual({ ok: true, value: undefined });
    expect((await products.findById(id))?.priceRange).toEqual({ min: money(700, 'EUR'), max: money(900, 'EUR') });
  });

  it('moves a status only from the expected one', async () => {
    const id = await insertProduct({ name: 'Status Race', prices: [100], status: 'DRAFT', vendorId: randomUUID() });
    expect(await products.changeStatus(id, 'DRAFT', 'ACTIVE')).toBe(true);
    expect(await products.changeStatus(id, 'DRAFT', 'ARCHIVED')).toBe(false);
    expect((await products.findById(id))?.status).toBe('ACTIVE');
  });
});

describe('unique conflicts (a race the service could not see) come back as results', () => {
  const record = (overrides: { slug?: string; sku?: string } = {}) => {
    const id = randomUUID();
    return {
      id,
      vendorId: randomUUID(),
      categoryId: null,
      name: 'Conflict',
      slug: overrides.slug ?? `conflict-${id}`,
      description: '',
      status: 'DRAFT' as const,
      imageUrls: [],
      currency: 'EUR',
      variants: [
        { id: randomUUID(), sku: overrides.sku ?? `CONFLICT-${id}`.toUpperCase(), title: null, options: [], price: money(100, 'EUR'), compareAtPrice: null, position: 0 },
      ],
    };
  };
  const variant = (sku: string, position: number) => ({ id: randomUUID(), sku, title: null, options: [], price: money(100, 'EUR'), compareAtPrice: null, position });

  it('reports a taken slug or SKU on insert as SLUG_TAKEN / SKU_TAKEN and writes nothing', async () => {
    const holder = record();
    expect(await products.insert(holder)).toEqual({ ok: true, value: undefined });
    const slugClash = record({ slug: holder.slug });
    const skuClash = record({ sku: holder.variants[0]?.sku });
    expect(await products.insert(slugClash)).toEqual({ ok: false, errors: ['SLUG_TAKEN'] });
    expect(await products.insert(skuClash)).toEqual({ ok: false, errors: ['SKU_TAKEN'] });
    expect(await products.findByIds([slugClash.id, skuClash.id])).toEqual([]);
  });

  it('reports a taken slug on update and a taken SKU on a variant write, changing nothing', async () => {
    const [first, second] = [record(), record()];
    await products.insert(first);
    await products.insert(second);
    const before = await products.findById(second.id);
    expect(await products.update(second.id, { slug: first.slug })).toEqual({ ok: false, errors: ['SLUG_TAKEN'] });
    const takenSku = first.variants[0]?.sku as string;
    expect(await products.insertVariant(second.id, variant(takenSku, 1))).toEqual({ ok: false, errors: ['SKU_TAKEN'] });
    const own = before?.variants[0] as NonNullable<typeof before>['variants'][number];
    expect(await products.updateVariant(own.id, second.id, { ...own, sku: takenSku })).toEqual({ ok: false, errors: ['SKU_TAKEN'] });
    expect(await products.findById(second.id)).toEqual(before);
  });
});

describe('search indexes', () => {
  it('serve the search predicate (the plan names both GIN indexes)', async () => {
    // On a table this small the planner would rather scan; forbidding that shows the indexes can serve the query.
    const plan = await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      return tx.$queryRaw<{ 'QUERY PLAN': string }[]>`
        EXPLAIN SELECT id FROM products WHERE search_vector @@ to_tsquery('simple', 'headph:*') OR 'hedphones' <% name`;
    });
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Bitmap Index Scan on products_search_vector_idx/);
    expect(text).toMatch(/Bitmap Index Scan on products_name_trgm_idx/);
  });
});
