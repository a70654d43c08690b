import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTING_QUERY } from '../../scripts/bench/catalog.ts';
import type { SubgraphName } from '../../subgraphs/registry.ts';
import { leaksInternals, type GraphQLResponse } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Query cost through the one endpoint: the gateway estimates each operation from the supergraph's
 * @cost/@listSize before planning it and refuses one above MAX_QUERY_COST (20,000 by default)
 * before any subgraph hears of it; what a storefront asks stays well inside.
 */

/** The fan-out: 100 products × their vendor's 100 products × their vendor's 100 products. */
const fanOut = (first: string) =>
  `products(first: ${first}) { edges { node { vendor { products(first: ${first}) { edges { node { vendor { products(first: ${first}) { edges { node { id } } } } } } } } } } }`;
const FAN_OUT_COST = 2_040_401;
const DEFAULT_MAX_COST = 20_000;

/** 20 products with every variant (up to 100 each, 5 options), both prices and the vendor's name. */
const STOREFRONT_PAGE = `query StorefrontPage($vendorId: ID) {
  products(first: 20, filter: { vendorId: $vendorId }) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id name slug imageUrls vendor { name }
      priceRange { min { amount currency formatted } max { amount currency formatted } }
      variants { id sku title price { amount formatted } compareAtPrice { amount formatted } options { name value } }
    } }
  }
}`;

/** The README's product page: the product, its variants and three more of its vendor's products. */
const README_PRODUCT = `query ($id: ID!) { product(id: $id) { name description variants { sku options { name value } price { formatted } }
  vendor { name slug products(first: 3) { totalCount edges { node { name } } } } } }`;

let platform: TestPlatform;
/** GraphQL requests each subgraph received, counted at its HTTP server. */
const received: Record<string, number> = {};
let vendor: { vendorId: string; name: string; token: string };

function countGraphQLRequests(name: SubgraphName): void {
  received[name] = 0;
  platform.subgraphs[name].server.on('request', (req: IncomingMessage) => {
    if (req.url?.startsWith('/graphql')) received[name] = (received[name] ?? 0) + 1;
  });
}

const totalReceived = () => Object.values(received).reduce((sum, count) => sum + count, 0);

function expectRefusedForCost(response: GraphQLResponse<unknown>, estimated: number): void {
  expect(response.status).toBe(400);
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors).toHaveLength(1);
  const [error] = response.body.errors ?? [];
  expect(error?.extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated, max: DEFAULT_MAX_COST } });
  expect(error?.message).toContain(`estimated to cost ${estimated}; the limit is ${DEFAULT_MAX_COST}`);
  expect(leaksInternals(response.body)).toBe(false);
}

async function openStore(): Promise<{ vendorId: string; name: string; token: string }> {
  const run = randomUUID().slice(0, 8);
  const signUp = await platform.gateway.data<{ signUp: { user: { id: string }; accessToken: string } }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken userErrors { code } } }`,
    { input: { email: `cost-${run}@example.com`, password: `Cost-Check-${run}-Pass`, name: 'Cost Owner' } },
  );
  const name = `Cost Store ${run}`;
  const applied = await platform.gateway.data<{ applyForVendor: { vendor: { id: string } } }>(
    `mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } userErrors { code } } }`,
    { input: { name, slug: `cost-store-${run}` } },
    { token: signUp.signUp.accessToken },
  );
  const vendorId = applied.applyForVendor.vendor.id;
  const admin = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
  await platform.gateway.data(`mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }`, { input: { id: vendorId } }, { token: admin });
  return { vendorId, name, token: await platform.signAccessToken({ sub: signUp.signUp.user.id, role: 'VENDOR', vid: vendorId }) };
}

async function listProduct(name: string): Promise<string> {
  const variants = ['S', 'M', 'L'].map((size, index) => ({
    sku: `COST-${randomUUID().slice(0, 12)}`,
    options: [{ name: 'Size', value: size }],
    price: { amount: 1000 + index * 100, currency: 'EUR' },
  }));
  const created = await platform.gateway.data<{ createProduct: { product: { id: string } } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code field } } }`,
    { input: { name, variants } },
    { token: vendor.token },
  );
  const id = created.createProduct.product.id;
  await platform.gateway.data(`mutation($id: ID!) { setProductStatus(input: { id: $id, status: ACTIVE }) { userErrors { code } } }`, { id }, { token: vendor.token });
  return id;
}

beforeAll(async () => {
  platform = await bootPlatform();
  countGraphQLRequests('users');
  countGraphQLRequests('catalog');
  vendor = await openStore();
  await listProduct('Cost Lamp');
  await listProduct('Cost Chair');
});

afterAll(async () => {
  await platform?.close();
});

describe('query cost at the gateway', () => {
  it('refuses the fan-out of the issue with COST_ESTIMATED_TOO_EXPENSIVE and its cost, before any subgraph is called', async () => {
    const before = totalReceived();
    const response = await platform.gateway.request(`{ ${fanOut('100')} }`);
    expectRefusedForCost(response, FAN_OUT_COST);
    expect(totalReceived()).toBe(before);
  });

  it('estimates the same query with `first: $n` from the variables', async () => {
    const query = `query FanOut($n: Int) { ${fanOut('$n')} }`;
    const before = totalReceived();
    const refused = await platform.gateway.request(query, { n: 100 });
    expectRefusedForCost(refused, FAN_OUT_COST);
    expect(refused.body.errors?.[0]?.message).toMatch(/^Operation "FanOut" is estimated/);
    expect(totalReceived()).toBe(before);

    // Small pages make the same shape cheap: it runs (the catalog answers it alone).
    const catalogBefore = received.catalog ?? 0;
    const small = await platform.gateway.request(query, { n: 2 });
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data).toHaveProperty('products.edges');
    expect(received.catalog).toBe(catalogBefore + 1);
  });

  it('runs what a storefront asks: 20 products with their variants and vendor names, the README product page, the bench listing', async () => {
    const page = await platform.gateway.request<{ products: { edges: { node: { name: string; vendor: { name: string }; variants: unknown[] } }[] } }>(
      STOREFRONT_PAGE,
      { vendorId: vendor.vendorId },
    );
    expect(page.status).toBe(200);
    expect(page.body.errors).toBeUndefined();
    const nodes = page.body.data?.products.edges.map((edge) => edge.node) ?? [];
    expect(nodes.map((node) => node.name).sort()).toEqual(['Cost Chair', 'Cost Lamp']);
    expect(nodes.every((node) => node.vendor.name === vendor.name && node.variants.length === 3)).toBe(true);

    const productId = (await platform.gateway.data<{ products: { edges: { node: { id: string } }[] } }>(
      `query($v: ID) { products(first: 1, filter: { vendorId: $v }) { edges { node { id } } } }`,
      { v: vendor.vendorId },
    )).products.edges[0]?.node.id;
    const product = await platform.gateway.data<{ product: { vendor: { products: { totalCount: number } } } }>(README_PRODUCT, { id: productId });
    expect(product.product.vendor.products.totalCount).toBe(2);

    // The bench's listing, narrowed to this file's vendor (a filter costs nothing, so the estimate is
    // the same): other files' products, of vendors the users subgraph never heard of, stay out of it.
    const ownListing = LISTING_QUERY.replace('products(first: 20)', `products(first: 20, filter: { vendorId: "${vendor.vendorId}" })`);
    expect(ownListing).not.toBe(LISTING_QUERY);
    const listing = await platform.gateway.request<{ products: { edges: unknown[] } }>(ownListing);
    expect(listing.status).toBe(200);
    expect(listing.body.errors).toBeUndefined();
    expect(listing.body.data?.products.edges).toHaveLength(2);
  });

  it('weighs mutations higher but lets an ordinary one through', async () => {
    const response = await platform.gateway.request<{ createProduct: { userErrors: { code: string }[] } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code field message } } }`,
      { input: { name: 'Cost Draft', variants: [{ sku: `COST-${randomUUID().slice(0, 12)}`, price: { amount: 500, currency: 'EUR' } }] } },
      { token: vendor.token },
    );
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.createProduct.userErrors).toEqual([]);
  });
});
