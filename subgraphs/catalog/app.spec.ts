import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { createTestTokenIssuer, type TestTokenIssuer } from '../../platform/testing/access-tokens.ts';
import { createTestGatewaySigning } from '../../platform/testing/gateway-signing.ts';
import { GraphQLTestClient, leaksInternals } from '../../test/support/graphql-client.ts';
import { deleteTestTopology } from '../../platform/messaging/testing/topology-cleanup.ts';
import { testDatabaseUrl, testEnv, testMessagingPrefix, testRedisPrefix } from '../../test/support/test-env.ts';
import { startCatalogSubgraph } from './app.ts';
import { VENDOR_STATUS_CONSUMER } from './application/vendor-status.handlers.ts';
import { loadCatalogConfig } from './config.ts';
import type { Product } from './domain/product.ts';
import { createCatalogPrisma, type CatalogPrisma } from './infra/prisma.ts';
import { createProductRepository, type ProductRepository } from './infra/product.repository.ts';

/**
 * The catalog subgraph over HTTP (no gateway): access rules, validation, pagination limits,
 * federation entry points. Every test makes the products it changes; what `beforeAll` makes
 * (tokens, vendor ids, one category) is only read.
 */

const PRODUCT_FIELDS = `id name slug status description imageUrls createdAt updatedAt vendor { id } category { id slug }
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
const ADD_VARIANT = `mutation($input: AddProductVariantInput!) { addProductVariant(input: $input) {
  variant { id sku price { amount } } product { priceRange { min { amount } max { amount } } } userErrors { code field } } }`;
const UPDATE_VARIANT = `mutation($input: UpdateProductVariantInput!) { updateProductVariant(input: $input) {
  variant { id sku price { amount } compareAtPrice { amount } } product { priceRange { min { amount } max { amount } } } userErrors { code field } } }`;
const PRODUCT = `query Product($id: ID, $slug: String) { product(id: $id, slug: $slug) { ${PRODUCT_FIELDS} } }`;
const CREATE_CATEGORY = `mutation Cat($input: CreateCategoryInput!) {
  createCategory(input: $input) { category { id slug depth path { slug } parent { id } } userErrors { code field message } }
}`;
const CATEGORY = `query($s: String) { category(slug: $s) { id slug children { slug } } }`;

type UserErrorShape = { code: string; field: string[] | null; message?: string };
type Payload<K extends string, T> = { [P in K]: { userErrors: UserErrorShape[] } & Record<string, T | null> };
interface ProductShape {
  id: string;
  name: string;
  slug: string;
  status: string;
  updatedAt: string;
  vendor: { id: string };
  category: { id: string; slug: string } | null;
  priceRange: { min: { amount: number; currency: string; formatted: string }; max: { amount: number } };
  variants: { id: string; sku: string; price: { amount: number }; compareAtPrice: { amount: number } | null }[];
}
interface Vendor {
  vendorId: string;
  token: string;
}

const run = randomUUID().slice(0, 8);
let issuer: TestTokenIssuer;
let catalog: RunningSubgraph;
let client: GraphQLTestClient;
let tokens: { admin: string; customer: string };
let vendorA: Vendor;
let vendorB: Vendor;
let db: CatalogPrisma;
let repository: ProductRepository;

const logger = createLogger({ service: 'catalog-spec', level: 'silent', pretty: false });
// Requests come signed, as from the gateway: this spec is about the catalog's own rules.
const signing = createTestGatewaySigning();
// Its own exchanges and queues: the default `shop.` is the dev stack's.
const messagingPrefix = testMessagingPrefix('catalog-app');
const config = (overrides: Record<string, string> = {}) =>
  loadCatalogConfig({
    ...signing.env,
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDatabaseUrl('catalog'),
    REDIS_URL: testEnv.REDIS_URL,
    REDIS_KEY_PREFIX: testRedisPrefix(`catalog-app-${run}`),
    RABBITMQ_URL: testEnv.RABBITMQ_URL,
    MESSAGING_PREFIX: messagingPrefix,
    ...overrides,
  });

const unique = () => randomUUID().slice(0, 8);
const variant = (sku: string, amount = 2999, currency = 'EUR') => ({ sku, price: { amount, currency }, options: [{ name: 'Size', value: 'M' }] });

async function newVendor(): Promise<Vendor> {
  const vendorId = randomUUID();
  return { vendorId, token: await issuer.sign({ role: 'VENDOR', vid: vendorId }) };
}

async function createProduct(token: string, input: Record<string, unknown>) {
  return client.request<Payload<'createProduct', ProductShape>>(CREATE, { input }, { token });
}

/** A DRAFT of the vendor's, made for one test. */
async function draftOf(vendor: Vendor, overrides: Record<string, unknown> = {}): Promise<ProductShape> {
  const data = await client.data<Payload<'createProduct', ProductShape>>(
    CREATE,
    { input: { name: `Product ${unique()}`, variants: [variant(`SKU-${unique()}`, 5000)], ...overrides } },
    { token: vendor.token },
  );
  expect(data.createProduct.userErrors).toEqual([]);
  return data.createProduct.product as ProductShape;
}

async function activeOf(vendor: Vendor, overrides: Record<string, unknown> = {}): Promise<ProductShape> {
  const draft = await draftOf(vendor, overrides);
  const moved = await client.data<Payload<'setProductStatus', { status: string }>>(SET_STATUS, { input: { id: draft.id, status: 'ACTIVE' } }, { token: vendor.token });
  expect(moved.setProductStatus.userErrors).toEqual([]);
  return { ...draft, status: 'ACTIVE' };
}

/**
 * The product as Postgres holds it, past every cache: a refused write that wrote anyway (and so
 * never invalidated the cache) would still read as unchanged through the API.
 */
async function stored(id: string): Promise<Product> {
  const product = await repository.findById(id);
  expect(product).not.toBeNull();
  return product as Product;
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
  issuer = await createTestTokenIssuer();
  catalog = await startCatalogSubgraph(config(), logger, { verifier: issuer.verifier });
  client = new GraphQLTestClient(catalog.graphqlUrl, signing.signer);
  tokens = { admin: await issuer.sign({ role: 'ADMIN' }), customer: await issuer.sign({ role: 'CUSTOMER' }) };
  vendorA = await newVendor();
  vendorB = await newVendor();
  db = createCatalogPrisma(testDatabaseUrl('catalog'), 2);
  repository = createProductRepository(db);
});

afterAll(async () => {
  await catalog?.close();
  await db?.$disconnect();
  await deleteTestTopology(testEnv.RABBITMQ_URL, messagingPrefix, [VENDOR_STATUS_CONSUMER]);
});

describe('createProduct access', () => {
  it('refuses an anonymous caller with UNAUTHENTICATED and creates nothing', async () => {
    const name = `Nope ${run}`;
    const response = await createProduct('', { vendorId: vendorA.vendorId, name, variants: [variant(`ANON-${unique()}`)] });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await repository.findIdBySlug(`nope-${run}`)).toBeNull();
  });

  it('refuses a customer with FORBIDDEN and creates nothing', async () => {
    const before = await productCount(vendorA.vendorId);
    const response = await createProduct(tokens.customer, { vendorId: vendorA.vendorId, name: 'Sneaky', variants: [variant(`CUST-${unique()}`)] });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.body.data?.createProduct ?? null).toBeNull();
    expect(await productCount(vendorA.vendorId)).toBe(before);
  });

  it('forbids a vendor to create for another vendor and creates nothing', async () => {
    const [before, beforeOwn] = [await productCount(vendorB.vendorId), await productCount(vendorA.vendorId)];
    const response = await createProduct(vendorA.token, { vendorId: vendorB.vendorId, name: 'Not mine', variants: [variant(`OTHER-${unique()}`)] });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await productCount(vendorB.vendorId)).toBe(before);
    expect(await productCount(vendorA.vendorId)).toBe(beforeOwn);
  });

  it('requires an admin to name the vendor', async () => {
    const response = await createProduct(tokens.admin, { name: 'Whose?', variants: [variant(`WHOSE-${unique()}`)] });
    expect(response.body.data?.createProduct.userErrors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: ['input', 'vendorId'] })]);
  });
});

describe('createProduct', () => {
  let categoryId: string;
  beforeAll(async () => {
    const data = await client.data<Payload<'createCategory', { id: string }>>(CREATE_CATEGORY, { input: { name: `App Spec ${run}` } }, { token: tokens.admin });
    categoryId = (data.createCategory.category as { id: string }).id;
  });

  it('creates a DRAFT for the vendor with a derived slug, money and price range', async () => {
    const tag = unique();
    const response = await createProduct(vendorA.token, {
      name: `Aurora Wireless Headphones ${tag}`,
      categoryId,
      description: 'Over-ear, noise cancelling.',
      imageUrls: ['https://images.example.com/a-1.jpg', 'https://images.example.com/a-2.jpg'],
      variants: [{ ...variant(`aur-blk-${tag}`, 12999), compareAtPrice: { amount: 14999, currency: 'EUR' } }, variant(`aur-wht-${tag}`, 10999)],
    });
    const payload = response.body.data?.createProduct;
    expect(payload?.userErrors).toEqual([]);
    const product = payload?.product as ProductShape;
    expect(product).toMatchObject({
      name: `Aurora Wireless Headphones ${tag}`,
      slug: `aurora-wireless-headphones-${tag}`,
      status: 'DRAFT',
      vendor: { id: vendorA.vendorId },
      category: { id: categoryId },
      imageUrls: ['https://images.example.com/a-1.jpg', 'https://images.example.com/a-2.jpg'],
      priceRange: { min: { amount: 10999, currency: 'EUR', formatted: '€109.99' }, max: { amount: 12999 } },
    });
    expect(product.variants.map((v) => v.sku)).toEqual([`AUR-BLK-${tag}`.toUpperCase(), `AUR-WHT-${tag}`.toUpperCase()]);
    expect(new Date(product.updatedAt).toISOString()).toBe(product.updatedAt);
  });

  it('makes a derived slug unique when the name repeats', async () => {
    const tag = unique();
    const first = await draftOf(vendorA, { name: `Twin ${tag}` });
    const second = await draftOf(vendorA, { name: `Twin ${tag}` });
    expect(first.slug).toBe(`twin-${tag}`);
    expect(second.slug).toMatch(new RegExp(`^twin-${tag}-[0-9a-f]{8}$`));
  });

  it.each([
    ['an empty name', { name: '  ' }, 'VALIDATION_FAILED', ['input', 'name']],
    ['a bad currency', { variants: [variant('CUR-X', 100, 'EURO')] }, 'VALIDATION_FAILED', ['input', 'variants', '0', 'price', 'currency']],
    ['a negative price', { variants: [variant('NEG-X', -1)] }, 'VALIDATION_FAILED', ['input', 'variants', '0', 'price', 'amount']],
    ['an unknown category', { categoryId: '00000000-0000-4000-8000-000000000000' }, 'CATEGORY_NOT_FOUND', ['input', 'categoryId']],
    ['a taken explicit slug', { slug: 'taken-slug-placeholder' }, 'PRODUCT_SLUG_TAKEN', ['input', 'slug']],
  ])('returns a userError for %s and creates nothing', async (_label, overrides, code, field) => {
    const taken = await draftOf(vendorA);
    const input = { name: `Invalid ${run}`, variants: [variant(`INV-${unique()}`)], ...overrides };
    if ('slug' in input) input.slug = taken.slug;
    const before = await productCount(vendorA.vendorId);
    const response = await createProduct(vendorA.token, input);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.createProduct.product).toBeNull();
    expect(response.body.data?.createProduct.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await productCount(vendorA.vendorId)).toBe(before);
  });

  it('reports a SKU used by another product as SKU_TAKEN and writes nothing', async () => {
    const sku = `DUP-${unique()}`;
    await draftOf(vendorA, { variants: [variant(sku)] });
    const before = await productCount(vendorB.vendorId);
    const fresh = `FRESH-${unique()}`;
    const response = await createProduct(vendorB.token, { name: `Wants SKU ${run}`, variants: [variant(fresh), variant(sku.toLowerCase())] });
    expect(response.body.data?.createProduct.userErrors).toEqual([expect.objectContaining({ code: 'SKU_TAKEN', field: ['input', 'variants', '1', 'sku'] })]);
    expect(await productCount(vendorB.vendorId)).toBe(before);
    // The other variant's SKU was not consumed either.
    const retry = await createProduct(vendorB.token, { name: `Wants SKU ${run}`, variants: [variant(fresh)] });
    expect(retry.body.data?.createProduct.userErrors).toEqual([]);
  });
});

describe('updateProduct and setProductStatus', () => {
  it("forbids vendor B to update vendor A's product and leaves it unchanged", async () => {
    const product = await draftOf(vendorA);
    const before = await stored(product.id);
    const response = await client.request(UPDATE, { input: { id: product.id, name: 'Hijacked', slug: `hijacked-${unique()}` } }, { token: vendorB.token });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stored(product.id)).toEqual(before);
  });

  it('forbids vendor B to change its status too, and the status stays', async () => {
    const product = await draftOf(vendorA);
    const before = await stored(product.id);
    const response = await client.request(SET_STATUS, { input: { id: product.id, status: 'ACTIVE' } }, { token: vendorB.token });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stored(product.id)).toEqual(before);
  });

  it('lets the owner rename it and change its slug; the old slug stops resolving', async () => {
    const product = await draftOf(vendorA);
    const slug = `edited-${unique()}`;
    const response = await client.data<Payload<'updateProduct', ProductShape>>(UPDATE, { input: { id: product.id, name: `Edited ${run}`, slug } }, { token: vendorA.token });
    expect(response.updateProduct.userErrors).toEqual([]);
    expect(response.updateProduct.product).toMatchObject({ name: `Edited ${run}`, slug });
    const old = await client.data<{ product: ProductShape | null }>(PRODUCT, { slug: product.slug }, { token: vendorA.token });
    expect(old.product).toBeNull();
    const renamed = await client.data<{ product: ProductShape | null }>(PRODUCT, { slug }, { token: vendorA.token });
    expect(renamed.product?.id).toBe(product.id);
  });

  it('returns PRODUCT_NOT_FOUND for an unknown id', async () => {
    const response = await client.data<Payload<'updateProduct', ProductShape>>(UPDATE, { input: { id: randomUUID(), name: 'x' } }, { token: tokens.admin });
    expect(response.updateProduct.userErrors).toEqual([expect.objectContaining({ code: 'PRODUCT_NOT_FOUND', field: ['input', 'id'] })]);
  });

  it('hides a draft from shoppers and shows it once ACTIVE', async () => {
    const product = await draftOf(vendorA);
    expect((await client.data<{ product: unknown }>(PRODUCT, { id: product.id })).product).toBeNull();
    expect((await client.data<{ product: unknown }>(PRODUCT, { id: product.id }, { token: vendorB.token })).product).toBeNull();
    const moved = await client.data<Payload<'setProductStatus', { status: string }>>(SET_STATUS, { input: { id: product.id, status: 'ACTIVE' } }, { token: vendorA.token });
    expect(moved.setProductStatus).toEqual({ product: { id: product.id, status: 'ACTIVE' }, userErrors: [] });
    const seen = await client.data<{ product: ProductShape | null }>(PRODUCT, { id: product.id });
    expect(seen.product?.status).toBe('ACTIVE');
  });

  it('refuses an illegal move (ARCHIVED → ACTIVE) as a userError and keeps the status', async () => {
    const product = await draftOf(vendorA);
    await client.data(SET_STATUS, { input: { id: product.id, status: 'ARCHIVED' } }, { token: tokens.admin });
    const response = await client.data<Payload<'setProductStatus', { status: string }>>(SET_STATUS, { input: { id: product.id, status: 'ACTIVE' } }, { token: vendorA.token });
    expect(response.setProductStatus.userErrors).toEqual([expect.objectContaining({ code: 'PRODUCT_ILLEGAL_TRANSITION', field: ['input', 'status'] })]);
    expect((await stored(product.id)).status).toBe('ARCHIVED');
  });
});

describe('variants', () => {
  it('adds a variant and widens the price range', async () => {
    const product = await draftOf(vendorA);
    const data = await client.data<{ addProductVariant: { variant: { sku: string }; product: ProductShape; userErrors: unknown[] } }>(
      ADD_VARIANT,
      { input: { productId: product.id, variant: variant(`VH2-${unique()}`, 9000) } },
      { token: vendorA.token },
    );
    expect(data.addProductVariant.userErrors).toEqual([]);
    expect(data.addProductVariant.product.priceRange).toEqual({ min: { amount: 5000 }, max: { amount: 9000 } });
  });

  it('refuses a variant in another currency and a taken SKU, adding neither', async () => {
    const product = await draftOf(vendorA);
    const before = await stored(product.id);
    const currency = await client.data<{ addProductVariant: { userErrors: unknown[] } }>(
      ADD_VARIANT,
      { input: { productId: product.id, variant: variant(`VH3-${unique()}`, 100, 'USD') } },
      { token: vendorA.token },
    );
    expect(currency.addProductVariant.userErrors).toEqual([{ code: 'CURRENCY_MISMATCH', field: ['input', 'variant', 'price', 'currency'] }]);
    const sku = await client.data<{ addProductVariant: { userErrors: unknown[] } }>(
      ADD_VARIANT,
      { input: { productId: product.id, variant: variant(product.variants[0]?.sku as string) } },
      { token: vendorA.token },
    );
    expect(sku.addProductVariant.userErrors).toEqual([{ code: 'SKU_TAKEN', field: ['input', 'variant', 'sku'] }]);
    expect(await stored(product.id)).toEqual(before);
  });

  it("refuses a variant on another vendor's product with FORBIDDEN and changes nothing", async () => {
    const product = await draftOf(vendorA);
    const before = await stored(product.id);
    const response = await client.request<{ addProductVariant: unknown }>(
      ADD_VARIANT,
      { input: { productId: product.id, variant: variant(`INTRUDER-${unique()}`, 100) } },
      { token: vendorB.token },
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.body.data?.addProductVariant ?? null).toBeNull();
    const after = await stored(product.id);
    expect(after.variants).toEqual(before.variants);
    expect(after.priceRange).toEqual(before.priceRange);
    expect(after.updatedAt).toEqual(before.updatedAt);
  });

  it('updates a price (moving the range) and removes a compare-at price on explicit null', async () => {
    const product = await draftOf(vendorA, { variants: [variant(`VA-${unique()}`, 5000), variant(`VB-${unique()}`, 9000)] });
    const first = product.variants[0] as { id: string };
    await client.data(UPDATE_VARIANT, { input: { id: first.id, compareAtPrice: { amount: 9999, currency: 'EUR' } } }, { token: vendorA.token });
    const data = await client.data<{ updateProductVariant: { variant: { compareAtPrice: unknown; price: { amount: number } }; product: ProductShape } }>(
      UPDATE_VARIANT,
      { input: { id: first.id, price: { amount: 9500, currency: 'EUR' }, compareAtPrice: null } },
      { token: vendorA.token },
    );
    expect(data.updateProductVariant.variant).toMatchObject({ price: { amount: 9500 }, compareAtPrice: null });
    expect(data.updateProductVariant.product.priceRange).toEqual({ min: { amount: 9000 }, max: { amount: 9500 } });
  });

  it('forbids another vendor to change a variant, and the variant stays as it was', async () => {
    const product = await draftOf(vendorA);
    const before = await stored(product.id);
    const first = product.variants[0] as { id: string };
    const response = await client.request(UPDATE_VARIANT, { input: { id: first.id, price: { amount: 1, currency: 'EUR' } } }, { token: vendorB.token });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stored(product.id)).toEqual(before);
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
    const vendor = await newVendor();
    await activeOf(vendor);
    await activeOf(vendor);
    const page = await client.data<{ products: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } }>(
      `query($v: ID) { products(first: 1, sort: PRICE_ASC, filter: { vendorId: $v }) { pageInfo { endCursor hasNextPage } } }`,
      { v: vendor.vendorId },
    );
    const cursor = page.products.pageInfo.endCursor;
    expect(cursor).toEqual(expect.any(String));
    expect(page.products.pageInfo.hasNextPage).toBe(true);
    const mixed = await client.request(`query($a: String, $v: ID) { products(after: $a, sort: NAME_ASC, filter: { vendorId: $v }) { totalCount } }`, {
      a: cursor,
      v: vendor.vendorId,
    });
    expect(mixed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(mixed.body.errors?.[0]?.message).toMatch(/sorted by PRICE_ASC/);
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

  it('keeps myProducts for vendors and admins, a vendor seeing only its own', async () => {
    const anonymous = await client.request(`{ myProducts { totalCount } }`);
    const customer = await client.request(`{ myProducts { totalCount } }`, {}, { token: tokens.customer });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(customer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const vendor = await newVendor();
    const [draft, active] = [await draftOf(vendor), await activeOf(vendor)];
    await draftOf(await newVendor());
    const own = await client.data<{ myProducts: { edges: { node: { id: string; vendor: { id: string } } }[] } }>(
      `{ myProducts(first: 100) { edges { node { id vendor { id } } } } }`,
      {},
      { token: vendor.token },
    );
    expect(own.myProducts.edges.map((edge) => edge.node.id).sort()).toEqual([draft.id, active.id].sort());
    expect(new Set(own.myProducts.edges.map((edge) => edge.node.vendor.id))).toEqual(new Set([vendor.vendorId]));
  });

  it('refuses a bad token outright instead of treating the caller as anonymous', async () => {
    const response = await client.request(`{ products { totalCount } }`, {}, { token: 'not-a-jwt' });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('category tree', () => {
  it('builds paths: a child lists under its parent', async () => {
    const tag = unique();
    const root = await client.data<Payload<'createCategory', { id: string }>>(CREATE_CATEGORY, { input: { name: `Tree ${tag}` } }, { token: tokens.admin });
    const rootId = (root.createCategory.category as { id: string }).id;
    const child = await client.data<Payload<'createCategory', { depth: number; path: { slug: string }[]; parent: { id: string } }>>(
      CREATE_CATEGORY,
      { input: { name: 'Leaf', slug: `leaf-${tag}`, parentId: rootId } },
      { token: tokens.admin },
    );
    expect(child.createCategory.category).toMatchObject({ depth: 1, path: [{ slug: `tree-${tag}` }, { slug: `leaf-${tag}` }], parent: { id: rootId } });
    const tree = await client.data<{ category: { children: { slug: string }[] } }>(CATEGORY, { s: `tree-${tag}` });
    expect(tree.category.children).toEqual([{ slug: `leaf-${tag}` }]);
  });

  it('refuses a vendor with FORBIDDEN and creates nothing', async () => {
    const slug = `mine-${unique()}`;
    const vendor = await client.request(CREATE_CATEGORY, { input: { name: 'Mine', slug } }, { token: vendorA.token });
    expect(vendor.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await client.data<{ category: unknown }>(CATEGORY, { s: slug })).category).toBeNull();
  });

  it('refuses an unknown parent and a taken slug as userErrors, creating nothing', async () => {
    const taken = `taken-${unique()}`;
    await client.data(CREATE_CATEGORY, { input: { name: 'Holder', slug: taken } }, { token: tokens.admin });
    const orphanSlug = `orphan-${unique()}`;
    const orphan = await client.data<Payload<'createCategory', unknown>>(
      CREATE_CATEGORY,
      { input: { name: 'Orphan', slug: orphanSlug, parentId: randomUUID() } },
      { token: tokens.admin },
    );
    expect(orphan.createCategory.userErrors).toEqual([expect.objectContaining({ code: 'CATEGORY_NOT_FOUND', field: ['input', 'parentId'] })]);
    expect((await client.data<{ category: unknown }>(CATEGORY, { s: orphanSlug })).category).toBeNull();
    const dup = await client.data<Payload<'createCategory', unknown>>(CREATE_CATEGORY, { input: { name: 'Dup', slug: taken } }, { token: tokens.admin });
    expect(dup.createCategory.userErrors).toEqual([expect.objectContaining({ code: 'CATEGORY_SLUG_TAKEN', field: ['input', 'slug'] })]);
    expect((await client.data<{ categories: { slug: string }[] }>(`{ categories { slug } }`)).categories.filter((c) => c.slug === taken)).toHaveLength(1);
  });
});

describe('federation entry points', () => {
  it('resolves Product and Vendor references in one request', async () => {
    const vendor = await newVendor();
    const product = await activeOf(vendor, { name: `Referenced ${run}` });
    const data = await client.data<{ _entities: ({ id: string; name?: string; products?: { totalCount: number } } | null)[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Product { id name vendor { id } }
        ... on Vendor { id products(first: 5) { totalCount } }
      } }`,
      {
        r: [
          { __typename: 'Product', id: product.id },
          { __typename: 'Product', id: randomUUID() },
          { __typename: 'Vendor', id: vendor.vendorId },
        ],
      },
    );
    expect(data._entities[0]).toMatchObject({ id: product.id, name: `Referenced ${run}` });
    expect(data._entities[1]).toBeNull();
    expect(data._entities[2]?.products?.totalCount).toBe(1);
  });

  it('publishes its SDL with the shared value types', async () => {
    const data = await client.data<{ _service: { sdl: string } }>(`{ _service { sdl } }`);
    expect(data._service.sdl).toMatch(/type Money\s+@shareable/);
    expect(data._service.sdl).toMatch(/type Product\s+@key\(fields: "id"\)/);
  });
});

describe('when Redis is down', () => {
  it('a second catalog instance pointed at a dead Redis still reads products from Postgres', async () => {
    const vendor = await newVendor();
    const product = await activeOf(vendor, { name: `No cache ${run}` });
    const degraded = await startCatalogSubgraph(config({ REDIS_URL: 'redis://127.0.0.1:6390' }), logger, { verifier: issuer.verifier });
    try {
      const other = new GraphQLTestClient(degraded.graphqlUrl, signing.signer);
      const byId = await other.data<{ product: ProductShape | null }>(PRODUCT, { id: product.id });
      const bySlug = await other.data<{ product: ProductShape | null }>(PRODUCT, { slug: product.slug });
      expect(byId.product?.name).toBe(`No cache ${run}`);
      expect(bySlug.product?.id).toBe(product.id);
      const list = await other.data<{ products: { totalCount: number } }>(`query($v: ID) { products(filter: { vendorId: $v }) { totalCount } }`, {
        v: vendor.vendorId,
      });
      expect(list.products.totalCount).toBe(1);
      const ready = await fetch(`${degraded.url}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await degraded.close();
    }
  });
});
