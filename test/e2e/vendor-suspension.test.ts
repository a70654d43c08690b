import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Issue 9 point 8, through the gateway: an admin suspends a store in the users subgraph; the
 * users outbox relay publishes vendor.suspended over RabbitMQ; catalog consumes it and takes the
 * store's products off sale for shoppers (listings, search, facets, the store's product list,
 * product pages) within seconds; reinstating brings them back. The store's owner still sees its
 * products, and catalog never reads the users database.
 */
const DEADLINE_MS = 10_000;
const run = randomUUID().slice(0, 8);
let platform: TestPlatform;
let adminToken: string;
let vendor: { vendorId: string; token: string };
let productIds: string[];
let catalogDb: pg.Client;
let usersDb: pg.Client;

interface UserErrorShape {
  code: string;
}

async function admin<T>(query: string, input: Record<string, unknown>): Promise<T> {
  return platform.gateway.data<T>(query, { input }, { token: adminToken });
}

beforeAll(async () => {
  platform = await bootPlatform();
  catalogDb = new pg.Client(poolConfigFromUrl(testDatabaseUrl('catalog')));
  usersDb = new pg.Client(poolConfigFromUrl(testDatabaseUrl('users')));
  await catalogDb.connect();
  await usersDb.connect();
  adminToken = await platform.signAccessToken({ role: 'ADMIN' });
  const signUp = await platform.gateway.data<{ signUp: { user: { id: string }; accessToken: string } }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken } }`,
    { input: { email: `suspended-${run}@example.com`, password: `Correct-Horse-${run}-Battery`, name: 'Soon Suspended' } },
  );
  const applied = await platform.gateway.data<{ applyForVendor: { vendor: { id: string } } }>(
    `mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } } }`,
    { input: { name: `Quasar ${run}`, slug: `quasar-${run}` } },
    { token: signUp.signUp.accessToken },
  );
  const vendorId = applied.applyForVendor.vendor.id;
  const approved = await admin<{ approveVendor: { userErrors: UserErrorShape[] } }>(`mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }`, { id: vendorId });
  expect(approved.approveVendor.userErrors).toEqual([]);
  vendor = { vendorId, token: await platform.signAccessToken({ sub: signUp.signUp.user.id, role: 'VENDOR', vid: vendorId }) };
  productIds = [];
  for (const label of ['lamp', 'kettle']) {
    const created = await platform.gateway.data<{ createProduct: { product: { id: string } } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
      { input: { name: `Zorblax ${label} ${run}`, variants: [{ sku: `SUS-${randomUUID().slice(0, 12)}`, price: { amount: 2500, currency: 'EUR' } }] } },
      { token: vendor.token },
    );
    const id = created.createProduct.product.id;
    const active = await platform.gateway.data<{ setProductStatus: { userErrors: UserErrorShape[] } }>(
      `mutation($input: SetProductStatusInput!) { setProductStatus(input: $input) { userErrors { code } } }`,
      { input: { id, status: 'ACTIVE' } },
      { token: vendor.token },
    );
    expect(active.setProductStatus.userErrors).toEqual([]);
    productIds.push(id);
  }
});

afterAll(async () => {
  await catalogDb?.end();
  await usersDb?.end();
  await platform?.close();
});

/** What a shopper (no token) sees of the store's products, every way the storefront shows them. */
async function shopperView() {
  const data = await platform.gateway.data<{
    products: { totalCount: number; edges: { node: { id: string } }[] };
    search: { edges: { node: { id: string } }[] };
    productFacets: { vendors: { vendor: { id: string }; count: number }[] };
    page: { id: string; onSale: boolean } | null;
    vendor: { products: { totalCount: number } } | null;
  }>(
    `query($vendorId: ID!, $search: String!, $productId: ID!) {
      products(first: 10, filter: { vendorId: $vendorId }) { totalCount edges { node { id } } }
      search: products(first: 10, filter: { search: $search }) { edges { node { id } } }
      productFacets(filter: { search: $search }) { vendors { vendor { id } count } }
      page: product(id: $productId) { id onSale }
      vendor(id: $vendorId) { products(first: 10) { totalCount } }
    }`,
    { vendorId: vendor.vendorId, search: `zorblax ${run}`, productId: productIds[0] },
  );
  return {
    listed: data.products.edges.map((e) => e.node.id).sort(),
    found: data.search.edges.map((e) => e.node.id).sort(),
    facet: data.productFacets.vendors.find((f) => f.vendor.id === vendor.vendorId)?.count ?? 0,
    page: data.page?.id ?? null,
    onSale: data.page?.onSale ?? null,
    storeCount: data.vendor?.products.totalCount ?? null,
  };
}

describe('a suspended store leaves sale and comes back', () => {
  it('is on sale before, off sale within seconds of suspendVendor, and back within seconds of reinstatement', async () => {
    const onSale = { listed: [...productIds].sort(), found: [...productIds].sort(), facet: 2, page: productIds[0], onSale: true };
    expect(await shopperView()).toMatchObject(onSale);

    const suspended = await admin<{ suspendVendor: { userErrors: UserErrorShape[] } }>(
      `mutation($input: SuspendVendorInput!) { suspendVendor(input: $input) { userErrors { code } } }`,
      { id: vendor.vendorId, reason: 'counterfeit review' },
    );
    expect(suspended.suspendVendor.userErrors).toEqual([]);
    // The event left through users' outbox, in the transaction of the status change.
    const outbox = await usersDb.query<{ type: string; correlation_id: string }>(
      "SELECT type, correlation_id FROM outbox_message WHERE payload->>'vendorId' = $1 ORDER BY occurred_at",
      [vendor.vendorId],
    );
    expect(outbox.rows.map((r) => r.type)).toEqual(['vendor.suspended']);

    const started = Date.now();
    const off = await waitFor('the store off sale for shoppers', async () => {
      const view = await shopperView();
      return view.listed.length === 0 && view.found.length === 0 && view.facet === 0 && view.page === null ? view : undefined;
    }, { timeoutMs: DEADLINE_MS, intervalMs: 100 });
    expect(off).toMatchObject({ listed: [], found: [], facet: 0, page: null });
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    const standing = await catalogDb.query<{ suspended: boolean }>('SELECT suspended FROM vendor_suspensions WHERE vendor_id = $1', [vendor.vendorId]);
    expect(standing.rows).toEqual([{ suspended: true }]);

    // An admin still sees the products (management views are not storefront views), marked not on
    // sale: what a cart checks before it takes a line.
    const managed = await platform.gateway.data<{ myProducts: { totalCount: number }; product: { onSale: boolean; status: string } | null }>(
      `query($id: ID!) { myProducts(first: 50) { totalCount } product(id: $id) { onSale status } }`,
      { id: productIds[0] },
      { token: adminToken },
    );
    expect(managed.myProducts.totalCount).toBeGreaterThanOrEqual(2);
    expect(managed.product).toEqual({ onSale: false, status: 'ACTIVE' });

    const reinstated = await admin<{ approveVendor: { userErrors: UserErrorShape[] } }>(
      `mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }`,
      { id: vendor.vendorId },
    );
    expect(reinstated.approveVendor.userErrors).toEqual([]);
    const back = await waitFor('the store back on sale', async () => {
      const view = await shopperView();
      return view.listed.length === 2 && view.found.length === 2 && view.facet === 2 && view.page !== null ? view : undefined;
    }, { timeoutMs: DEADLINE_MS, intervalMs: 100 });
    expect(back).toMatchObject(onSale);
    // Both events were handled once each by catalog's consumer, recorded in its inbox.
    const sent = await usersDb.query<{ id: string }>("SELECT id::text AS id FROM outbox_message WHERE payload->>'vendorId' = $1", [vendor.vendorId]);
    const handled = await catalogDb.query<{ type: string }>(
      "SELECT type FROM inbox_message WHERE consumer = 'catalog.vendor-status' AND message_id = ANY($1::uuid[]) ORDER BY handled_at",
      [sent.rows.map((r) => r.id)],
    );
    expect(handled.rows.map((r) => r.type)).toEqual(['vendor.suspended', 'vendor.reinstated']);
  });
});
