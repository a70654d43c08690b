import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logging/logger.ts';
import type { RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { GraphQLTestClient, leaksInternals } from '../../test/support/graphql-client.ts';
import { testDatabaseUrl, testEnv, testRedisPrefix } from '../../test/support/test-env.ts';
import { startCatalogSubgraph } from './app.ts';
import { loadCatalogConfig } from './config.ts';
import { createTestKeys, type TestKeys } from './testing/harness.ts';

/** The catalog subgraph over HTTP (no gateway): access rules, validation, pagination limits, federation entry points. */

const PRODUCT_FIELDS = `id name slug status description imageUrls vendor { id } category { id slug }
  priceRange { min { amount currency formatted } max { amount currency formatted } }
  variants { id sku title options { name value } price { amount currency formatted } compareAtPrice { amount } }`;

const CREATE = `mutation Create($input: CreateProductInput!) {
  createProduct(input: $input) { product { ${PRODUCT_FIELDS} } userErrors { code field message } }
}`;
const UPDATE = `mutation Update($input: UpdateProductInput!) {
  updateProduct(input: $input) { product { ${PRODUCT_FIELDS} } userErrors { code field message } }
}`;
const SET_STATUS = `mutation Status($input: SetProductStatusInput!) {
  setProductStatus(input: $input) { product { id status } userErrors { code field message } }
}`;
const PRODUCT = `query Product($id: ID, $slug: String) { product(id: $id, slug: $slug) { ${PRODUCT_FIELDS} } }`;
const CREATE_CATEGORY = `mutation Cat($input: CreateCategoryInput!) {
  createCategory(input: $input) { category { id slug depth path { slug } parent { id } } userErrors { code field message } }
}`;

type Payload<K extends string, T> = { [P in K]: { userErrors: { code: string; field: string[] | null; message: string }[] } & Record<string, T | null> };
interface ProductShape {
  id: string;
  name: string;
  slug: string;
  status: string;
  vendor: { id: string };
  category: { id: string; slug: string } | null;
  priceRange: { min: { amount: number; currency: string; formatted: string }; max: { amount: number } };
  variants: { id: string; sku: string; price: { amount: number } }[];
}

const run = randomUUID().slice(0, 8);
const vendorA = randomUUID();
const vendorB = randomUUID();
let keys: TestKeys;
let catalog: RunningSubgraph;
let client: GraphQLTestClient;
let tokens: { admin: string; vendorA: string; vendorB: string; customer: string };

const logger = createLogger({ service: 'catalog-spec', level: 'silent', pretty: false });
const config = (overrides: Record<string, string> = {}) =>
  loadCatalogConfig({
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDatabaseUrl('catalog'),
    REDIS_URL: testEnv.REDIS_URL,
    REDIS_KEY_PREFIX: testRedisPrefix(`catalog-app-${run}`),
    ...overrides,
  });

const variant = (sku: string, amount = 2999, currency = 'EUR') => ({ sku, price: { amount, currency }, options: [{ name: 'Size', value: 'M' }] });

async function createProduct(token: string, input: Record<string, unknown>) {
  return client.request<Payload<'createProduct', ProductShape>>(CREATE, { input }, { token });
}

async function productCount(vendorId: string): Promise<number> {
  const data = await client.data<{ myProducts: { totalCount: number } }>(
    `query($v: ID) { myProducts(filter: { vendorId: $v }) { totalCount } }`,
    { v: vendorId },
    { token: tokens.admin },
  );
  return data.myProducts.totalCount;
}

beforeAll(async () => {
  keys = await createTestKeys();
  catalog = await startCatalogSubgraph(config(), logger, { verifier: keys.verifier });
  client = new GraphQLTestClient(catalog.graphqlUrl);
  tokens = {
    admin: await keys.sign({ role: 'ADMIN' }),
    vendorA: await keys.sign({ role: 'VENDOR', vid: vendorA }),
    vendorB: await keys.sign({ role: 'VENDOR', vid: vendorB }),
    customer: await keys.sign({ role: 'CUSTOMER' }),
  };
});

afterAll(async () => {
  await catalog?.close();
});

describe('createProduct access', () => {
  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const response = await createProduct('', { name: 'Nope', variants: [variant(`ANON-${run}`)] });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a customer with FORBIDDEN and creates nothing', async () => {
    const before = await productCount(vendorA);
    const response = await createProduct(tokens.customer, { vendorId: vendorA, name: 'Sneaky', variants: [variant(`CUST-${run}`)] });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.body.data?.createProduct ?? null).toBeNull();
    expect(await productCount(vendorA)).toBe(before);
  });

  it('forbids a vendor to create for another vendor', async () => {
    const response = await createProduct(tokens.vendorA, { vendorId: vendorB, name: 'Not mine', variants: [variant(`OTHER-${run}`)] });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('requires an admin to name the vendor', async () => {
    const response = await createProduct(tokens.admin, { name: 'Whose?', variants: [variant(`WHOSE-${run}`)] });
    expect(response.body.data?.createProduct.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: ['input', 'vendorId'] })]);
  });
});

describe('createProduct', () => {
  let categoryId: string;
  beforeAll(async () => {
    const data = await client.data<Payload<'createCategory', { id: string }>>(
      CREATE_CATEGORY,
      { input: { name: `App Spec ${run}` } },
      { token: tokens.admin },
    );
    categoryId = (data.createCategory.category as { id: string }).id;
  });

  it('creates a DRAFT for the vendor with a derived slug, money and price range', async () => {
    const response = await createProduct(tokens.vendorA, {
      name: `Aurora Wireless Headphones ${run}`,
      categoryId,
      description: 'Over-ear, noise cancelling.',
      imageUrls: ['https://images.example.com/a-1.jpg', 'https://images.example.com/a-2.jpg'],
      variants: [
        { ...variant(`aur-blk-${run}`, 12999), compareAtPrice: { amount: 14999, currency: 'EUR' } },
        variant(`aur-wht-${run}`, 10999),
      ],
    });
    const payload = response.body.data?.createProduct;
    expect(payload?.userErrors).toEqual([]);
    const product = payload?.product as ProductShape;
    expect(product).toMatchObject({
      name: `Aurora Wireless Headphones ${run}`,
      slug: `aurora-wireless-headphones-${run}`,
      status: 'DRAFT',
      vendor: { id: vendorA },
      category: { id: categoryId },
      imageUrls: ['https://images.example.com/a-1.jpg', 'https://images.example.com/a-2.jpg'],
      priceRange: { min: { amount: 10999, currency: 'EUR', formatted: '€109.99' }, max: { amount: 12999 } },
    });
    expect(product.variants.map((v) => v.sku)).toEqual([`AUR-BLK-${run}`.toUpperCase(), `AUR-WHT-${run}`.toUpperCase()]);
  });

  it('makes a derived slug unique when the name repeats', async () => {
    const first = await createProduct(tokens.vendorA, { name: `Twin ${run}`, variants: [variant(`TWIN1-${run}`)] });
    const second = await createProduct(tokens.vendorA, { name: `Twin ${run}`, variants: [variant(`TWIN2-${run}`)] });
    const slugs = [first, second].map((r) => (r.body.data?.createProduct.product as ProductShape).slug);
    expect(slugs[0]).toBe(`twin-${run}`);
    expect(slugs[1]).toMatch(new RegExp(`^twin-${run}-[0-9a-f]{8}$`));
  });

  it.each([
    ['an empty name', { name: '  ' }, 'VALIDATION_FAILED', ['input', 'name']],
    ['a bad currency', { variants: [variant('CUR-X', 100, 'EURO')] }, 'VALIDATION_FAILED', ['input', 'variants', '0', 'price', 'currency']],
    ['a negative price', { variants: [variant('NEG-X', -1)] }, 'VALIDATION_FAILED', ['input', 'variants', '0', 'price', 'amount']],
    ['an unknown category', { categoryId: '00000000-0000-4000-8000-000000000000' }, 'CATEGORY_NOT_FOUND', ['input', 'categoryId']],
    ['a taken explicit slug', { slug: 'taken-slug-placeholder' }, 'PRODUCT_SLUG_TAKEN', ['input', 'slug']],
  ])('returns a userError for %s and creates nothing', async (_label, overrides, code, field) => {
    const taken = await createProduct(tokens.vendorA, { name: `Slug holder ${randomUUID()}`, variants: [variant(`HOLD-${randomUUID().slice(0, 8)}`)] });
    const takenSlug = (taken.body.data?.createProduct.product as ProductShape).slug;
    const input = { name: `Invalid ${run}`, variants: [variant(`INV-${randomUUID().slice(0, 8)}`)], ...overrides };
    if ('slug' in input) input.slug = takenSlug;
    const before = await productCount(vendorA);
    const response = await createProduct(tokens.vendorA, input);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.createProduct.product).toBeNull();
    expect(response.body.data?.createProduct.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await productCount(vendorA)).toBe(before);
  });

  it('reports a SKU used by another product as SKU_TAKEN and writes nothing', async () => {
    const sku = `DUP-${run}`;
    await createProduct(tokens.vendorA, { name: `Has SKU ${run}`, variants: [variant(sku)] });
    const before = await productCount(vendorB);
    const response = await createProduct(tokens.vendorB, { name: `Wants SKU ${run}`, variants: [variant(`FRESH-${run}`), variant(sku.toLowerCase())] });
    expect(response.body.data?.createProduct.userErrors).toEqual([
      expect.objectContaining({ code: 'SKU_TAKEN', field: ['input', 'variants', '1', 'sku'] }),
    ]);
    expect(await productCount(vendorB)).toBe(before);
    // The other variant's SKU was not consumed either.
    const retry = await createProduct(tokens.vendorB, { name: `Wants SKU ${run}`, variants: [variant(`FRESH-${run}`)] });
    expect(retry.body.data?.createProduct.userErrors).toEqual([]);
  });
});

describe('updateProduct and setProductStatus', () => {
  let product: ProductShape;
  beforeAll(async () => {
    const response = await createProduct(tokens.vendorA, { name: `Editable ${run}`, variants: [variant(`EDIT-${run}`)] });
    product = response.body.data?.createProduct.product as ProductShape;
  });

  it("forbids vendor B to update vendor A's product and leaves it unchanged", async () => {
    const response = await client.request<Payload<'updateProduct', ProductShape>>(
      UPDATE,
      { input: { id: product.id, name: 'Hijacked' } },
      { token: tokens.vendorB },
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const after = await client.data<{ product: ProductShape }>(PRODUCT, { id: product.id }, { token: tokens.vendorA });
    expect(after.product.name).toBe(`Editable ${run}`);
  });

  it('forbids vendor B to change its status too', async () => {
    const response = await client.request(SET_STATUS, { input: { id: product.id, status: 'ACTIVE' } }, { token: tokens.vendorB });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets the owner rename it and change its slug; the old slug stops resolving', async () => {
    const response = await client.data<Payload<'updateProduct', ProductShape>>(
      UPDATE,
      { input: { id: product.id, name: `Edited ${run}`, slug: `edited-${run}` } },
      { token: tokens.vendorA },
    );
    expect(response.updateProduct.userErrors).toEqual([]);
    expect(response.updateProduct.product).toMatchObject({ name: `Edited ${run}`, slug: `edited-${run}` });
    const old = await client.data<{ product: ProductShape | null }>(PRODUCT, { slug: product.slug }, { token: tokens.vendorA });
    expect(old.product).toBeNull();
    const renamed = await client.data<{ product: ProductShape | null }>(PRODUCT, { slug: `edited-${run}` }, { token: tokens.vendorA });
    expect(renamed.product?.id).toBe(product.id);
  });

  it('returns PRODUCT_NOT_FOUND for an unknown id', async () => {
    const response = await client.data<Payload<'updateProduct', ProductShape>>(
      UPDATE,
      { input: { id: randomUUID(), name: 'x' } },
      { token: tokens.admin },
    );
    expect(response.updateProduct.userErrors).toEqual([expect.objectContaining({ code: 'PRODUCT_NOT_FOUND', field: ['input', 'id'] })]);
  });

  it('hides the draft from shoppers and shows it once ACTIVE', async () => {
    expect((await client.data<{ product: unknown }>(PRODUCT, { id: product.id })).product).toBeNull();
    expect((await client.data<{ product: unknown }>(PRODUCT, { id: product.id }, { token: tokens.vendorB })).product).toBeNull();
    const moved = await client.data<Payload<'setProductStatus', { status: string }>>(
      SET_STATUS,
      { input: { id: product.id, status: 'ACTIVE' } },
      { token: tokens.vendorA },
    );
    expect(moved.setProductStatus).toEqual({ product: { id: product.id, status: 'ACTIVE' }, userErrors: [] });
    const seen = await client.data<{ product: ProductShape | null }>(PRODUCT, { id: product.id });
    expect(seen.product?.status).toBe('ACTIVE');
  });

  it('refuses an illegal move (ARCHIVED → ACTIVE) as a userError and keeps the status', async () => {
    await client.data(SET_STATUS, { input: { id: product.id, status: 'ARCHIVED' } }, { token: tokens.admin });
    const response = await client.data<Payload<'setProductStatus', { status: string }>>(
      SET_STATUS,
      { input: { id: product.id, status: 'ACTIVE' } },
      { token: tokens.vendorA },
    );
    expect(response.setProductStatus.userErrors).toEqual([
      expect.objectContaining({ code: 'PRODUCT_ILLEGAL_TRANSITION', field: ['input', 'status'] }),
    ]);
    const after = await client.data<{ product: ProductShape | null }>(PRODUCT, { id: product.id }, { token: tokens.vendorA });
    expect(after.product?.status).toBe('ARCHIVED');
  });
});

describe('variants', () => {
  const ADD = `mutation($input: AddProductVariantInput!) { addProductVariant(input: $input) {
    variant { id sku price { amount } } product { priceRange { min { amount } max { amount } } } userErrors { code field } } }`;
  const EDIT = `mutation($input: UpdateProductVariantInput!) { updateProductVariant(input: $input) {
    variant { id sku price { amount } compareAtPrice { amount } } product { priceRange { min { amount } max { amount } } } userErrors { code field } } }`;
  let product: ProductShape;
  beforeAll(async () => {
    const response = await createProduct(tokens.vendorA, { name: `Variant host ${run}`, variants: [variant(`VH1-${run}`, 5000)] });
    product = response.body.data?.createProduct.product as ProductShape;
  });

  it('adds a variant and widens the price range', async () => {
    const data = await client.data<{ addProductVariant: { variant: { sku: string }; product: ProductShape; userErrors: unknown[] } }>(
      ADD,
      { input: { productId: product.id, variant: variant(`VH2-${run}`, 9000) } },
      { token: tokens.vendorA },
    );
    expect(data.addProductVariant.userErrors).toEqual([]);
    expect(data.addProductVariant.product.priceRange).toEqual({ min: { amount: 5000 }, max: { amount: 9000 } });
  });

  it('refuses a variant in another currency and a taken SKU', async () => {
    const currency = await client.data<{ addProductVariant: { userErrors: unknown[] } }>(
      ADD,
      { input: { productId: product.id, variant: variant(`VH3-${run}`, 100, 'USD') } },
      { token: tokens.vendorA },
    );
    expect(currency.addProductVariant.userErrors).toEqual([{ code: 'CURRENCY_MISMATCH', field: ['input', 'variant', 'price', 'currency'] }]);
    const sku = await client.data<{ addProductVariant: { userErrors: unknown[] } }>(
      ADD,
      { input: { productId: product.id, variant: variant(`VH1-${run}`) } },
      { token: tokens.vendorA },
    );
    expect(sku.addProductVariant.userErrors).toEqual([{ code: 'SKU_TAKEN', field: ['input', 'variant', 'sku'] }]);
  });

  it('updates a price (narrowing the range) and removes a compare-at price on explicit null', async () => {
    const first = product.variants[0] as { id: string };
    await client.data(EDIT, { input: { id: first.id, compareAtPrice: { amount: 9999, currency: 'EUR' } } }, { token: tokens.vendorA });
    const data = await client.data<{ updateProductVariant: { variant: { compareAtPrice: unknown; price: { amount: number } }; product: ProductShape } }>(
      EDIT,
      { input: { id: first.id, price: { amount: 9500, currency: 'EUR' }, compareAtPrice: null } },
      { token: tokens.vendorA },
    );
    expect(data.updateProductVariant.variant).toMatchObject({ price: { amount: 9500 }, compareAtPrice: null });
    expect(data.updateProductVariant.product.priceRange).toEqual({ min: { amount: 9000 }, max: { amount: 9500 } });
  });

  it("forbids another vendor to change a variant", async () => {
    const first = product.variants[0] as { id: string };
    const response = await client.request(EDIT, { input: { id: first.id, price: { amount: 1, currency: 'EUR' } } }, { token: tokens.vendorB });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('reads', () => {
  it('bounds `first`: 100000 is a clear BAD_USER_INPUT', async () => {
    const response = await client.request(`{ products(first: 100000) { totalCount } }`);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.message).toMatch(/between 1 and 100/);
  });

  it('refuses a forged cursor and one from another sort', async () => {
    const forged = await client.request(`{ products(after: "bm90LWEtY3Vyc29y") { totalCount } }`);
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const page = await client.data<{ products: { pageInfo: { endCursor: string | null } } }>(`{ products(first: 1, sort: PRICE_ASC) { pageInfo { endCursor } } }`);
    if (page.products.pageInfo.endCursor) {
      const mixed = await client.request(`query($a: String) { products(after: $a, sort: NAME_ASC) { totalCount } }`, { a: page.products.pageInfo.endCursor });
      expect(mixed.body.errors?.[0]?.message).toMatch(/sorted by PRICE_ASC/);
    }
  });

  it('wants exactly one of id or slug', async () => {
    const both = await client.request(PRODUCT, { id: randomUUID(), slug: 'x' });
    const neither = await client.request(PRODUCT, {});
    expect(both.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(neither.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a filter id that is not a UUID without leaking SQL', async () => {
    const response = await client.request(`{ products(filter: { categoryId: "1 OR 1=1" }) { totalCount } }`);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(leaksInternals(response.body)).toBe(false);
  });

  it('keeps myProducts for vendors and admins', async () => {
    const anonymous = await client.request(`{ myProducts { totalCount } }`);
    const customer = await client.request(`{ myProducts { totalCount } }`, {}, { token: tokens.customer });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(customer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await client.data<{ myProducts: { edges: { node: { vendor: { id: string } } }[] } }>(
      `{ myProducts(first: 100) { edges { node { vendor { id } } } } }`,
      {},
      { token: tokens.vendorB },
    );
    expect(own.myProducts.edges.length).toBeGreaterThan(0);
    expect(new Set(own.myProducts.edges.map((e) => e.node.vendor.id))).toEqual(new Set([vendorB]));
  });

  it('refuses a bad token outright instead of treating the caller as anonymous', async () => {
    const response = await client.request(`{ products { totalCount } }`, {}, { token: 'not-a-jwt' });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('category tree', () => {
  it('builds paths and refuses non-admins, unknown parents and taken slugs', async () => {
    const root = await client.data<Payload<'createCategory', { id: string; slug: string }>>(
      CREATE_CATEGORY,
      { input: { name: `Tree ${run}` } },
      { token: tokens.admin },
    );
    const rootId = (root.createCategory.category as { id: string }).id;
    const child = await client.data<Payload<'createCategory', { depth: number; path: { slug: string }[]; parent: { id: string } }>>(
      CREATE_CATEGORY,
      { input: { name: 'Leaf', slug: `leaf-${run}`, parentId: rootId } },
      { token: tokens.admin },
    );
    expect(child.createCategory.category).toMatchObject({ depth: 1, path: [{ slug: `tree-${run}` }, { slug: `leaf-${run}` }], parent: { id: rootId } });

    const vendor = await client.request(CREATE_CATEGORY, { input: { name: 'Mine' } }, { token: tokens.vendorA });
    expect(vendor.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const orphan = await client.data<Payload<'createCategory', unknown>>(
      CREATE_CATEGORY,
      { input: { name: 'Orphan', parentId: randomUUID() } },
      { token: tokens.admin },
    );
    expect(orphan.createCategory.userErrors).toEqual([expect.objectContaining({ code: 'CATEGORY_NOT_FOUND', field: ['input', 'parentId'] })]);
    const dup = await client.data<Payload<'createCategory', unknown>>(
      CREATE_CATEGORY,
      { input: { name: 'Dup', slug: `leaf-${run}` } },
      { token: tokens.admin },
    );
    expect(dup.createCategory.userErrors).toEqual([expect.objectContaining({ code: 'CATEGORY_SLUG_TAKEN', field: ['input', 'slug'] })]);

    const tree = await client.data<{ category: { children: { slug: string }[] } }>(
      `query($s: String) { category(slug: $s) { children { slug } } }`,
      { s: `tree-${run}` },
    );
    expect(tree.category.children).toEqual([{ slug: `leaf-${run}` }]);
  });
});

describe('federation entry points', () => {
  it('resolves Product and Vendor references in one request', async () => {
    const created = await createProduct(tokens.vendorB, { name: `Referenced ${run}`, variants: [variant(`REF-${run}`)] });
    const product = created.body.data?.createProduct.product as ProductShape;
    await client.data(SET_STATUS, { input: { id: product.id, status: 'ACTIVE' } }, { token: tokens.vendorB });
    const data = await client.data<{ _entities: ({ id: string; name?: string; products?: { totalCount: number } } | null)[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Product { id name vendor { id } }
        ... on Vendor { id products(first: 5) { totalCount } }
      } }`,
      {
        r: [
          { __typename: 'Product', id: product.id },
          { __typename: 'Product', id: randomUUID() },
          { __typename: 'Vendor', id: vendorB },
        ],
      },
    );
    expect(data._entities[0]).toMatchObject({ id: product.id, name: `Referenced ${run}` });
    expect(data._entities[1]).toBeNull();
    expect(data._entities[2]?.products?.totalCount).toBeGreaterThanOrEqual(1);
  });

  it('publishes its SDL with the shared value types', async () => {
    const data = await client.data<{ _service: { sdl: string } }>(`{ _service { sdl } }`);
    expect(data._service.sdl).toMatch(/type Money\s+@shareable/);
    expect(data._service.sdl).toMatch(/type Product\s+@key\(fields: "id"\)/);
  });
});

describe('when Redis is down', () => {
  it('a second catalog instance pointed at a dead Redis still reads products from Postgres', async () => {
    const created = await createProduct(tokens.vendorA, { name: `No cache ${run}`, variants: [variant(`NOCACHE-${run}`)] });
    const product = created.body.data?.createProduct.product as ProductShape;
    await client.data(SET_STATUS, { input: { id: product.id, status: 'ACTIVE' } }, { token: tokens.vendorA });
    const degraded = await startCatalogSubgraph(config({ REDIS_URL: 'redis://127.0.0.1:6390' }), logger, { verifier: keys.verifier });
    try {
      const other = new GraphQLTestClient(degraded.graphqlUrl);
      const byId = await other.data<{ product: ProductShape | null }>(PRODUCT, { id: product.id });
      const bySlug = await other.data<{ product: ProductShape | null }>(PRODUCT, { slug: product.slug });
      expect(byId.product?.name).toBe(`No cache ${run}`);
      expect(bySlug.product?.id).toBe(product.id);
      const list = await other.data<{ products: { totalCount: number } }>(`query($s: String) { products(filter: { search: $s }) { totalCount } }`, { s: `No cache ${run}` });
      expect(list.products.totalCount).toBeGreaterThanOrEqual(1);
      const ready = await fetch(`${degraded.url}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await degraded.close();
    }
  });
});
