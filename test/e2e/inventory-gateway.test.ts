import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';

/**
 * Inventory through the one public endpoint: a vendor receives stock and shoppers see it on the
 * catalog's variant (`ProductVariant.availability`, joined by the gateway); another vendor cannot
 * touch it; bad quantities come back as userErrors; and Postgres shows nothing changed on refusal.
 */
interface UserErrorShape {
  code: string;
  field: string[] | null;
}
interface StockLevelShape {
  onHand: number;
  reserved: number;
  available: number;
  location: { code: string };
}
type StockPayload = { stockLevel: StockLevelShape | null; userErrors: UserErrorShape[] };

const run = randomUUID().slice(0, 8).toUpperCase();
const locationCode = `E2E-${run}`;
let platform: TestPlatform;
let db: pg.Client;
let adminToken: string;
let customerToken: string;
const vendorA = { vendorId: randomUUID(), token: '' };
const vendorB = { vendorId: randomUUID(), token: '' };
let productId: string;
let variantId: string;

const RECEIVE = `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) {
  stockLevel { onHand reserved available location { code } } userErrors { code field } } }`;
const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) {
  stockLevel { onHand reserved available location { code } } userErrors { code field } } }`;
const AVAILABILITY = `query($id: ID!) { product(id: $id) { variants { id sku availability { available inStock } } } }`;

/** The variant's stock rows and movements as Postgres holds them. */
async function stored(): Promise<{ items: unknown[]; movements: number }> {
  const items = await db.query('SELECT location_id, on_hand, reserved FROM stock_items WHERE variant_id = $1 ORDER BY location_id', [variantId]);
  const movements = await db.query('SELECT count(*)::int AS n FROM stock_movements WHERE variant_id = $1', [variantId]);
  return { items: items.rows, movements: (movements.rows[0] as { n: number }).n };
}

beforeAll(async () => {
  db = new pg.Client(poolConfigFromUrl(testDatabaseUrl('inventory')));
  await db.connect();
  platform = await bootPlatform();
  adminToken = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
  customerToken = await platform.signAccessToken({ sub: randomUUID(), role: 'CUSTOMER' });
  vendorA.token = await platform.signAccessToken({ sub: randomUUID(), role: 'VENDOR', vid: vendorA.vendorId });
  vendorB.token = await platform.signAccessToken({ sub: randomUUID(), role: 'VENDOR', vid: vendorB.vendorId });

  const location = await platform.gateway.data<{ createLocation: { location: { code: string } | null; userErrors: UserErrorShape[] } }>(
    `mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { code } userErrors { code field } } }`,
    { input: { code: locationCode.toLowerCase(), name: `E2E warehouse ${run}` } },
    { token: adminToken },
  );
  expect(location.createLocation).toEqual({ location: { code: locationCode }, userErrors: [] });

  const created = await platform.gateway.data<{ createProduct: { product: { id: string; variants: { id: string }[] }; userErrors: UserErrorShape[] } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { code field } } }`,
    { input: { name: `Stocked Lamp ${run}`, variants: [{ sku: `E2E-INV-${run}`, price: { amount: 2500, currency: 'EUR' } }] } },
    { token: vendorA.token },
  );
  expect(created.createProduct.userErrors).toEqual([]);
  productId = created.createProduct.product.id;
  variantId = created.createProduct.product.variants[0]?.id as string;
  await platform.gateway.data(`mutation($id: ID!) { setProductStatus(input: { id: $id, status: ACTIVE }) { userErrors { code } } }`, { id: productId }, { token: vendorA.token });
});

afterAll(async () => {
  await platform?.close();
  await db?.end();
});

describe('inventory through the gateway', () => {
  it('a variant never stocked shows as unavailable to shoppers', async () => {
    const read = await platform.gateway.data<{ product: { variants: { availability: { available: number; inStock: boolean } }[] } }>(AVAILABILITY, { id: productId });
    expect(read.product.variants[0]?.availability).toEqual({ available: 0, inStock: false });
  });

  it('a vendor receives stock of its own variant; shoppers see it on the catalog variant', async () => {
    const received = await platform.gateway.data<{ receiveStock: StockPayload }>(
      RECEIVE,
      { input: { variantId, sku: `E2E-INV-${run}`, locationCode, quantity: 7, reason: 'first delivery' } },
      { token: vendorA.token },
    );
    expect(received.receiveStock).toEqual({ stockLevel: { onHand: 7, reserved: 0, available: 7, location: { code: locationCode } }, userErrors: [] });
    const read = await platform.gateway.request<{ product: { variants: { id: string; availability: { available: number; inStock: boolean } }[] } }>(AVAILABILITY, { id: productId });
    expect(read.body.data?.product.variants).toEqual([{ id: variantId, sku: `E2E-INV-${run}`, availability: { available: 7, inStock: true } }]);
    // Catalog's fields alone would be cacheable for 60 s; stock never is.
    expect(read.headers.get('cache-control')).toBe('no-store');
  });

  it('another vendor is FORBIDDEN to receive or adjust it, and nothing changes', async () => {
    const before = await stored();
    const receive = await platform.gateway.request(RECEIVE, { input: { variantId, locationCode, quantity: 100, reason: 'not mine' } }, { token: vendorB.token });
    expect(receive.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    const adjust = await platform.gateway.request(ADJUST, { input: { variantId, locationCode, delta: -7, reason: 'not mine' } }, { token: vendorB.token });
    expect(adjust.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    const customer = await platform.gateway.request(RECEIVE, { input: { variantId, locationCode, quantity: 1, reason: 'x' } }, { token: customerToken });
    expect(customer.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await stored()).toEqual(before);
  });

  it.each([
    { case: 'zero', quantity: 0 },
    { case: 'negative', quantity: -5 },
    { case: 'absurd', quantity: 50_000_000 },
  ])('a $case quantity is a userError and changes nothing', async ({ quantity }) => {
    const before = await stored();
    const received = await platform.gateway.data<{ receiveStock: StockPayload }>(
      RECEIVE,
      { input: { variantId, locationCode, quantity, reason: 'bad count' } },
      { token: vendorA.token },
    );
    expect(received.receiveStock).toEqual({ stockLevel: null, userErrors: [{ code: 'VALIDATION_FAILED', field: ['input', 'quantity'] }] });
    expect(await stored()).toEqual(before);
  });

  it('an adjustment below zero is a userError; a valid one is applied and audited', async () => {
    const before = await stored();
    const below = await platform.gateway.data<{ adjustStock: StockPayload }>(ADJUST, { input: { variantId, locationCode, delta: -8, reason: 'stock take' } }, { token: vendorA.token });
    expect(below.adjustStock.userErrors).toEqual([{ code: 'STOCK_BELOW_RESERVED', field: ['input', 'delta'] }]);
    const unknown = await platform.gateway.data<{ adjustStock: StockPayload }>(ADJUST, { input: { variantId, locationCode: 'NOWHERE-1', delta: -1, reason: 'stock take' } }, { token: vendorA.token });
    expect(unknown.adjustStock.userErrors).toEqual([{ code: 'LOCATION_NOT_FOUND', field: ['input', 'locationCode'] }]);
    expect(await stored()).toEqual(before);

    const adjusted = await platform.gateway.data<{ adjustStock: StockPayload }>(ADJUST, { input: { variantId, locationCode, delta: -2, reason: 'two broken' } }, { token: adminToken });
    expect(adjusted.adjustStock.stockLevel).toMatchObject({ onHand: 5, available: 5 });

    const movements = await platform.gateway.data<{ stockMovements: { totalCount: number; edges: { node: { kind: string; quantity: number; reason: string; location: { code: string } } }[] } }>(
      `query($id: ID!) { stockMovements(variantId: $id, first: 10) { totalCount edges { node { kind quantity reason location { code } } } } }`,
      { id: variantId },
      { token: vendorA.token },
    );
    expect(movements.stockMovements.totalCount).toBe(2);
    expect(movements.stockMovements.edges.map((edge) => edge.node)).toEqual([
      { kind: 'ADJUSTED', quantity: -2, reason: 'two broken', location: { code: locationCode } },
      { kind: 'RECEIVED', quantity: 7, reason: 'first delivery', location: { code: locationCode } },
    ]);
    const foreign = await platform.gateway.request(`query($id: ID!) { stockMovements(variantId: $id) { totalCount } }`, { id: variantId }, { token: vendorB.token });
    expect(foreign.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});
