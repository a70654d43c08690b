import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { leaksInternals } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';

/**
 * The catalog through the one public endpoint: products joined with their vendor from the users
 * subgraph, vendors joined with their products from the catalog, and the catalog's access rules
 * holding when the gateway is in front.
 */
interface UserErrorShape {
  code: string;
  field: string[] | null;
}
interface ProductNode {
  id: string;
  name: string;
  slug: string;
  status: string;
  vendor: { id: string; name: string };
  priceRange: { min: { amount: number; formatted: string } };
}

const run = randomUUID().slice(0, 8);
let platform: TestPlatform;
let adminToken: string;
const vendors: Record<'a' | 'b', { userId: string; vendorId: string; name: string; token: string }> = {} as never;
let customerToken: string;
let db: pg.Client;

const PRODUCT_FIELDS = 'id name slug status vendor { id name } priceRange { min { amount formatted } }';

async function signUpVendor(label: string): Promise<{ userId: string; vendorId: string; name: string; token: string }> {
  const email = `vendor-${label}-${run}@example.com`;
  const signUp = await platform.gateway.data<{ signUp: { user: { id: string }; accessToken: string; userErrors: UserErrorShape[] } }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken userErrors { code field } } }`,
    { input: { email, password: `Correct-Horse-${run}-Battery`, name: `Owner ${label}` } },
  );
  expect(signUp.signUp.userErrors).toEqual([]);
  const name = `Store ${label.toUpperCase()} ${run}`;
  const applied = await platform.gateway.data<{ applyForVendor: { vendor: { id: string }; userErrors: UserErrorShape[] } }>(
    `mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } userErrors { code field } } }`,
    { input: { name, slug: `store-${label}-${run}` } },
    { token: signUp.signUp.accessToken },
  );
  expect(applied.applyForVendor.userErrors).toEqual([]);
  const vendorId = applied.applyForVendor.vendor.id;
  const approved = await platform.gateway.data<{ approveVendor: { userErrors: UserErrorShape[] } }>(
    `mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code field } } }`,
    { input: { id: vendorId } },
    { token: adminToken },
  );
  expect(approved.approveVendor.userErrors).toEqual([]);
  const userId = signUp.signUp.user.id;
  return { userId, vendorId, name, token: await platform.signAccessToken({ sub: userId, role: 'VENDOR', vid: vendorId }) };
}

/** A DRAFT: in no public list, so it never disturbs what the browsing tests count. */
async function createDraft(token: string, name: string, amount: number): Promise<{ id: string; name: string }> {
  const created = await platform.gateway.data<{ createProduct: { product: { id: string; name: string } | null; userErrors: UserErrorShape[] } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id name } userErrors { code field } } }`,
    { input: { name, variants: [{ sku: `E2E-${randomUUID().slice(0, 12)}`, price: { amount, currency: 'EUR' } }] } },
    { token },
  );
  expect(created.createProduct.userErrors).toEqual([]);
  return created.createProduct.product as { id: string; name: string };
}

/**
 * The product's row and its variants' rows as Postgres holds them, past every cache: a refused
 * write that wrote anyway (and so never invalidated the cache) would still read as unchanged
 * through the API.
 */
async function storedProduct(id: string): Promise<{ product: Record<string, unknown>; variants: Record<string, unknown>[] }> {
  const product = await db.query('SELECT * FROM products WHERE id = $1', [id]);
  const variants = await db.query('SELECT * FROM product_variants WHERE product_id = $1 ORDER BY position, id', [id]);
  expect(product.rows).toHaveLength(1);
  return { product: product.rows[0] as Record<string, unknown>, variants: variants.rows as Record<string, unknown>[] };
}

async function createActiveProduct(token: string, name: string, amount: number): Promise<ProductNode> {
  const created = await platform.gateway.data<{ createProduct: { product: ProductNode | null; userErrors: UserErrorShape[] } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code field } } }`,
    { input: { name, description: 'Made for the gateway test.', variants: [{ sku: `E2E-${randomUUID().slice(0, 12)}`, price: { amount, currency: 'EUR' } }] } },
    { token },
  );
  expect(created.createProduct.userErrors).toEqual([]);
  const id = created.createProduct.product?.id as string;
  const active = await platform.gateway.data<{ setProductStatus: { product: ProductNode; userErrors: UserErrorShape[] } }>(
    `mutation($id: ID!) { setProductStatus(input: { id: $id, status: ACTIVE }) { product { ${PRODUCT_FIELDS} } userErrors { code field } } }`,
    { id },
    { token },
  );
  expect(active.setProductStatus.userErrors).toEqual([]);
  return active.setProductStatus.product;
}

beforeAll(async () => {
  db = new pg.Client(poolConfigFromUrl(testDatabaseUrl('catalog')));
  await db.connect();
  platform = await bootPlatform();
  adminToken = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
  customerToken = await platform.signAccessToken({ sub: randomUUID(), role: 'CUSTOMER' });
  vendors.a = await signUpVendor('a');
  vendors.b = await signUpVendor('b');
  await createActiveProduct(vendors.a.token, `Aurora Wireless Headphones ${run}`, 12999);
  await createActiveProduct(vendors.a.token, `Linen Summer Shirt ${run}`, 3999);
  await createActiveProduct(vendors.b.token, `Harbor Studio Headphones ${run}`, 8999);
});

afterAll(async () => {
  await platform?.close();
  await db?.end();
});

describe('browsing through the gateway', () => {
  it("lists a search result with each product's vendor name from the users subgraph", async () => {
    const data = await platform.gateway.data<{ products: { totalCount: number; edges: { node: ProductNode }[] } }>(
      `query($s: String) { products(first: 10, filter: { search: $s }) { totalCount edges { node { ${PRODUCT_FIELDS} } } } }`,
      { s: `hedphones ${run}` },
    );
    const nodes = data.products.edges.map((edge) => edge.node);
    expect(nodes.map((node) => node.name).sort()).toEqual([`Aurora Wireless Headphones ${run}`, `Harbor Studio Headphones ${run}`]);
    const aurora = nodes.find((node) => node.name.startsWith('Aurora'));
    expect(aurora?.vendor).toEqual({ id: vendors.a.vendorId, name: vendors.a.name });
    expect(aurora?.priceRange.min).toEqual({ amount: 12999, formatted: '€129.99' });
  });

  it("resolves a vendor's products (users → catalog) and a product's vendor (catalog → users) in one query", async () => {
    const data = await platform.gateway.data<{
      vendor: { name: string; products: { totalCount: number; edges: { node: { name: string; vendor: { name: string } } }[] } };
    }>(
      `query($id: ID) { vendor(id: $id) { name products(first: 5, sort: PRICE_ASC) { totalCount edges { node { name vendor { name } } } } } }`,
      { id: vendors.a.vendorId },
    );
    expect(data.vendor.name).toBe(vendors.a.name);
    expect(data.vendor.products.totalCount).toBe(2);
    expect(data.vendor.products.edges.map((edge) => edge.node.name)).toEqual([`Linen Summer Shirt ${run}`, `Aurora Wireless Headphones ${run}`]);
    expect(new Set(data.vendor.products.edges.map((edge) => edge.node.vendor.name))).toEqual(new Set([vendors.a.name]));
  });

  it('builds facets with vendor names', async () => {
    const data = await platform.gateway.data<{ productFacets: { totalCount: number; vendors: { vendor: { name: string }; count: number }[] } }>(
      `query($s: String) { productFacets(filter: { search: $s }) { totalCount vendors { vendor { name } count } } }`,
      // Only this file's products carry the run token; a broader word would also count products
      // other specs made for vendors that exist only in their own fixtures.
      { s: run },
    );
    expect(data.productFacets.totalCount).toBe(3);
    expect(data.productFacets.vendors).toEqual([
      { vendor: { name: vendors.a.name }, count: 2 },
      { vendor: { name: vendors.b.name }, count: 1 },
    ]);
  });

  it('refuses `first: 100000` with a clear BAD_USER_INPUT', async () => {
    const response = await platform.gateway.request(`{ products(first: 100000) { totalCount } }`);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.message).toMatch(/between 1 and 100/);
    expect(leaksInternals(response.body)).toBe(false);
  });
});

describe('catalog access through the gateway', () => {
  it('refuses a customer creating a product with FORBIDDEN and creates nothing', async () => {
    const name = `Customer Made ${run}`;
    const response = await platform.gateway.request<{ createProduct: unknown }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }`,
      { input: { vendorId: vendors.a.vendorId, name, variants: [{ sku: `CUST-${run}`, price: { amount: 100, currency: 'EUR' } }] } },
      { token: customerToken },
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const all = await platform.gateway.data<{ myProducts: { edges: { node: { name: string } }[] } }>(
      `query($v: ID) { myProducts(first: 100, filter: { vendorId: $v }) { edges { node { name } } } }`,
      { v: vendors.a.vendorId },
      { token: adminToken },
    );
    expect(all.myProducts.edges.map((edge) => edge.node.name)).not.toContain(name);
  });

  it("refuses vendor A updating vendor B's product with FORBIDDEN and leaves it unchanged", async () => {
    const target = await createDraft(vendors.b.token, `Guarded Lamp ${randomUUID().slice(0, 8)}`, 4999);
    const before = await storedProduct(target.id);
    const response = await platform.gateway.request(
      `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } userErrors { code } } }`,
      { input: { id: target.id, name: 'Taken over', slug: `taken-over-${run}` } },
      { token: vendors.a.token },
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(before.product).toMatchObject({ name: target.name, vendor_id: vendors.b.vendorId });
    expect(await storedProduct(target.id)).toEqual(before);
  });

  it("refuses vendor A adding a variant to vendor B's product with FORBIDDEN and changes nothing", async () => {
    const target = await createDraft(vendors.b.token, `Guarded Vase ${randomUUID().slice(0, 8)}`, 2999);
    const before = await storedProduct(target.id);
    const response = await platform.gateway.request(
      `mutation($input: AddProductVariantInput!) { addProductVariant(input: $input) { variant { id } userErrors { code } } }`,
      { input: { productId: target.id, variant: { sku: `INTRUDER-${randomUUID().slice(0, 8)}`, price: { amount: 1, currency: 'EUR' } } } },
      { token: vendors.a.token },
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const after = await storedProduct(target.id);
    expect(after.variants).toEqual(before.variants);
    expect(after.product).toMatchObject({ min_price: before.product.min_price, max_price: before.product.max_price, updated_at: before.product.updated_at });
  });

  it('lets a vendor see its own draft but hides it from shoppers', async () => {
    const created = await platform.gateway.data<{ createProduct: { product: { id: string } } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
      { input: { name: `Secret Draft ${run}`, variants: [{ sku: `DRAFT-${run}`, price: { amount: 100, currency: 'EUR' } }] } },
      { token: vendors.a.token },
    );
    const query = `query($id: ID) { product(id: $id) { id status } }`;
    const id = created.createProduct.product.id;
    expect((await platform.gateway.data<{ product: unknown }>(query, { id })).product).toBeNull();
    expect((await platform.gateway.data<{ product: unknown }>(query, { id }, { token: vendors.a.token })).product).toEqual({ id, status: 'DRAFT' });
  });
});
