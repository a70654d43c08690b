import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createInternalReadClient } from '../../platform/http/internal-read.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Issue 9 point 1 through the gateway, with every subgraph real: carts priced by catalog's
 * internal read and showing inventory's availability; two vendors in one cart with totals per
 * vendor; a guest cart merged at log-in, capped by availability; bad input refused as typed
 * errors that change nothing; a suspended store's products cannot be added.
 */
const run = randomUUID().slice(0, 8);
const locationCode = `CART-${run}`.toUpperCase();
let platform: TestPlatform;
let cartDb: pg.Client;
let adminToken: string;

interface UserErrorShape {
  code: string;
  field?: string[] | null;
}
interface MoneyShape {
  amount: number;
  currency: string;
}
interface CartShape {
  id: string;
  currency: string | null;
  subtotal: MoneyShape | null;
  totalQuantity: number;
  lines: { variantId: string; productName: string; quantity: number; unitPrice: MoneyShape; lineTotal: MoneyShape; available: number; warnings: string[]; variant: { id: string; sku: string } }[];
  vendors: { vendorId: string; quantity: number; subtotal: MoneyShape }[];
}
interface CartPayloadShape {
  cart: CartShape | null;
  cartToken: string | null;
  userErrors: UserErrorShape[];
}

const CART_FIELDS = `id currency subtotal { amount currency } totalQuantity
  lines { variantId productName quantity unitPrice { amount currency } lineTotal { amount currency } available warnings variant { id sku } }
  vendors { vendorId quantity subtotal { amount currency } }`;
const PAYLOAD = `cart { ${CART_FIELDS} } cartToken userErrors { code field }`;
const ADD = `mutation($input: AddCartLineInput!) { addCartLine(input: $input) { ${PAYLOAD} } }`;
const MERGE = `mutation($input: MergeGuestCartInput!) { mergeGuestCart(input: $input) { ${PAYLOAD} } }`;
const MY_CART = `query { myCart { ${CART_FIELDS} } }`;
const GUEST_CART = `query($token: String!) { cart(cartToken: $token) { ${CART_FIELDS} } }`;

const stores = {
  a: { vendorId: randomUUID(), token: '' },
  b: { vendorId: randomUUID(), token: '' },
};
/** Variants by name: the shirt (store a, 20.00, 10 in stock), the mug (store b, 7.50, 3 in stock), a dollar cap (store b). */
const variants = { shirt: '', mug: '', cap: '' };

async function product(token: string, name: string, amount: number, currency = 'EUR'): Promise<string> {
  const created = await platform.gateway.data<{ createProduct: { product: { id: string; variants: { id: string }[] }; userErrors: UserErrorShape[] } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { code field } } }`,
    { input: { name: `${name} ${run}`, variants: [{ sku: `CART-${randomUUID().slice(0, 12)}`, price: { amount, currency } }] } },
    { token },
  );
  expect(created.createProduct.userErrors).toEqual([]);
  const active = await platform.gateway.data<{ setProductStatus: { userErrors: UserErrorShape[] } }>(
    `mutation($id: ID!) { setProductStatus(input: { id: $id, status: ACTIVE }) { userErrors { code } } }`,
    { id: created.createProduct.product.id },
    { token },
  );
  expect(active.setProductStatus.userErrors).toEqual([]);
  return created.createProduct.product.variants[0]!.id;
}

async function stock(token: string, variantId: string, quantity: number): Promise<void> {
  const received = await platform.gateway.data<{ receiveStock: { userErrors: UserErrorShape[] } }>(
    `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { userErrors { code field } } }`,
    { input: { variantId, locationCode, quantity, reason: 'cart e2e' } },
    { token },
  );
  expect(received.receiveStock.userErrors).toEqual([]);
}

const add = async (input: Record<string, unknown>, token?: string) => (await platform.gateway.data<{ addCartLine: CartPayloadShape }>(ADD, { input }, { token })).addCartLine;
const customer = () => platform.signAccessToken({ sub: randomUUID(), role: 'CUSTOMER' });
const customerWithId = async () => {
  const id = randomUUID();
  return { id, token: await platform.signAccessToken({ sub: id, role: 'CUSTOMER' }) };
};

/** A customer's stored lines, straight from the cart database. */
async function storedLines(customerId: string): Promise<{ variant_id: string; quantity: number }[]> {
  const rows = await cartDb.query<{ variant_id: string; quantity: number }>(
    'SELECT l.variant_id::text, l.quantity FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.customer_id = $1 ORDER BY l.created_at',
    [customerId],
  );
  return rows.rows;
}

beforeAll(async () => {
  platform = await bootPlatform();
  cartDb = new pg.Client(poolConfigFromUrl(testDatabaseUrl('cart')));
  await cartDb.connect();
  adminToken = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
  stores.a.token = await platform.signAccessToken({ sub: randomUUID(), role: 'VENDOR', vid: stores.a.vendorId });
  stores.b.token = await platform.signAccessToken({ sub: randomUUID(), role: 'VENDOR', vid: stores.b.vendorId });
  await platform.gateway.data(`mutation($input: CreateLocationInput!) { createLocation(input: $input) { userErrors { code } } }`, { input: { code: locationCode, name: `Cart e2e ${run}` } }, { token: adminToken });
  variants.shirt = await product(stores.a.token, 'Cart shirt', 2_000);
  variants.mug = await product(stores.b.token, 'Cart mug', 750);
  variants.cap = await product(stores.b.token, 'Cart cap', 1_500, 'USD');
  await stock(stores.a.token, variants.shirt, 10);
  await stock(stores.b.token, variants.mug, 3);
});

afterAll(async () => {
  await cartDb?.end();
  await platform?.close();
});

describe('a customer’s cart through the gateway', () => {
  it('holds two stores’ products with catalog’s names and prices, inventory’s availability, and totals per store and overall', async () => {
    const me = await customerWithId();
    expect((await platform.gateway.data<{ myCart: CartShape | null }>(MY_CART, {}, { token: me.token })).myCart).toBeNull();
    expect((await add({ variantId: variants.shirt, quantity: 2 }, me.token)).userErrors).toEqual([]);
    const payload = await add({ variantId: variants.mug, quantity: 1 }, me.token);
    expect(payload.userErrors).toEqual([]);
    expect(payload.cartToken).toBeNull();
    const cart = payload.cart!;
    expect(cart.lines.map((line) => ({ variantId: line.variantId, name: line.productName, quantity: line.quantity, unit: line.unitPrice.amount, total: line.lineTotal.amount, available: line.available, sku: line.variant.sku.startsWith('CART-') }))).toEqual([
      { variantId: variants.shirt, name: `Cart shirt ${run}`, quantity: 2, unit: 2_000, total: 4_000, available: 10, sku: true },
      { variantId: variants.mug, name: `Cart mug ${run}`, quantity: 1, unit: 750, total: 750, available: 3, sku: true },
    ]);
    expect(cart.vendors).toEqual([
      { vendorId: stores.a.vendorId, quantity: 2, subtotal: { amount: 4_000, currency: 'EUR' } },
      { vendorId: stores.b.vendorId, quantity: 1, subtotal: { amount: 750, currency: 'EUR' } },
    ]);
    expect(cart.subtotal).toEqual({ amount: 4_750, currency: 'EUR' });
    expect((await platform.gateway.data<{ myCart: CartShape }>(MY_CART, {}, { token: me.token })).myCart.totalQuantity).toBe(3);
  });

  it('shows a price change from catalog on the next read, with a PRICE_CHANGED warning', async () => {
    const me = await customerWithId();
    const lamp = await product(stores.a.token, 'Cart lamp', 1_000);
    await stock(stores.a.token, lamp, 5);
    expect((await add({ variantId: lamp, quantity: 1 }, me.token)).userErrors).toEqual([]);
    const updated = await platform.gateway.data<{ updateProductVariant: { userErrors: UserErrorShape[] } }>(
      `mutation($input: UpdateProductVariantInput!) { updateProductVariant(input: $input) { userErrors { code field } } }`,
      { input: { id: lamp, price: { amount: 1_100, currency: 'EUR' } } },
      { token: stores.a.token },
    );
    expect(updated.updateProductVariant.userErrors).toEqual([]);
    const cart = (await platform.gateway.data<{ myCart: CartShape }>(MY_CART, {}, { token: me.token })).myCart;
    expect(cart.lines[0]).toMatchObject({ unitPrice: { amount: 1_100 }, warnings: ['PRICE_CHANGED'] });
  });
});

describe('a guest cart', () => {
  it('is addressed by the token the first add returns, and merges at log-in capped by availability', async () => {
    const guest = await add({ variantId: variants.mug, quantity: 3 });
    expect(guest.userErrors).toEqual([]);
    const token = guest.cartToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await add({ variantId: variants.shirt, quantity: 1, cartToken: token })).cart?.lines.map((line) => line.quantity)).toEqual([3, 1]);
    expect((await platform.gateway.data<{ cart: CartShape }>(GUEST_CART, { token })).cart.totalQuantity).toBe(4);

    const me = await customerWithId();
    expect((await add({ variantId: variants.mug, quantity: 2 }, me.token)).userErrors).toEqual([]);
    const merged = (await platform.gateway.data<{ mergeGuestCart: CartPayloadShape }>(MERGE, { input: { cartToken: token } }, { token: me.token })).mergeGuestCart;
    expect(merged.userErrors).toEqual([]);
    // 2 + 3 mugs, but inventory has 3; the shirt comes over whole.
    expect(merged.cart?.lines.map((line) => [line.variantId, line.quantity])).toEqual([
      [variants.mug, 3],
      [variants.shirt, 1],
    ]);
    expect(await storedLines(me.id)).toEqual([
      { variant_id: variants.mug, quantity: 3 },
      { variant_id: variants.shirt, quantity: 1 },
    ]);
    expect((await platform.gateway.data<{ cart: CartShape | null }>(GUEST_CART, { token })).cart).toBeNull();
  });
});

describe('bad input is a typed error that changes nothing', () => {
  it('quantity 0, negative or absurd; an unknown variant; another currency', async () => {
    const me = await customerWithId();
    expect((await add({ variantId: variants.shirt, quantity: 1 }, me.token)).userErrors).toEqual([]);
    for (const quantity of [0, -1, 1_000_000]) {
      const refused = await add({ variantId: variants.shirt, quantity }, me.token);
      expect(refused).toMatchObject({ cart: null, userErrors: [{ code: 'CART_QUANTITY_INVALID', field: ['input', 'quantity'] }] });
    }
    expect((await add({ variantId: randomUUID(), quantity: 1 }, me.token)).userErrors).toEqual([{ code: 'CART_VARIANT_NOT_FOUND', field: ['input', 'variantId'] }]);
    expect((await add({ variantId: variants.cap, quantity: 1 }, me.token)).userErrors).toEqual([{ code: 'CART_CURRENCY_MISMATCH', field: ['input', 'variantId'] }]);
    expect(await storedLines(me.id)).toEqual([{ variant_id: variants.shirt, quantity: 1 }]);
  });

  it('a price sent by the client is refused by GraphQL validation, before anything runs', async () => {
    const me = await customerWithId();
    const response = await platform.gateway.request(
      `mutation { addCartLine(input: { variantId: "${variants.shirt}", quantity: 1, price: { amount: 1, currency: "EUR" } }) { userErrors { code } } }`,
      {},
      { token: me.token },
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.body.data ?? null).toBeNull();
    expect(await storedLines(me.id)).toEqual([]);
  });

  it('another customer’s cart is not found: not through the API, not through orders’ internal read', async () => {
    const owner = await customerWithId();
    const owned = await add({ variantId: variants.shirt, quantity: 2 }, owner.token);
    const cartId = owned.cart!.id;
    const stranger = await customerWithId();
    expect((await platform.gateway.data<{ myCart: CartShape | null }>(MY_CART, {}, { token: stranger.token })).myCart).toBeNull();

    const answer = z.object({ cart: z.object({ id: z.string(), customerId: z.string(), currency: z.string().nullable(), lines: z.array(z.object({ variantId: z.string(), quantity: z.number() })) }).nullable() });
    const cartReads = createInternalReadClient({ baseUrl: platform.subgraphs.cart.internalUrl, signer: platform.signing.signer, timeoutMs: 5_000, logger: createLogger({ service: 'e2e', level: 'silent', pretty: false }) });
    expect(await cartReads.post('/internal/carts/checkout', { cartId, customerId: owner.id }, { schema: answer })).toEqual({
      cart: { id: cartId, customerId: owner.id, currency: 'EUR', lines: [{ variantId: variants.shirt, quantity: 2 }] },
    });
    expect(await cartReads.post('/internal/carts/checkout', { cartId, customerId: stranger.id }, { schema: answer })).toEqual({ cart: null });
    // Without the platform's signature the route answers nothing at all.
    const unsigned = await fetch(`${platform.subgraphs.cart.internalUrl}/internal/carts/checkout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cartId, customerId: owner.id }) });
    expect(unsigned.status).toBe(401);
  });
});

describe('catalog’s and inventory’s internal reads', () => {
  it('answer only signed requests with bounded bodies', async () => {
    const logger = createLogger({ service: 'e2e', level: 'silent', pretty: false });
    const catalog = createInternalReadClient({ baseUrl: platform.subgraphs.catalog.internalUrl, signer: platform.signing.signer, timeoutMs: 5_000, logger });
    const variantsRead = await catalog.post('/internal/variants', { ids: [variants.shirt, randomUUID()] }, { schema: z.object({ variants: z.array(z.object({ id: z.string(), vendorId: z.string(), onSale: z.boolean(), price: z.object({ amount: z.number() }) })) }) });
    expect(variantsRead.variants.map(({ id, vendorId, onSale, price }) => ({ id, vendorId, onSale, amount: price.amount }))).toEqual([
      { id: variants.shirt, vendorId: stores.a.vendorId, onSale: true, amount: 2_000 },
    ]);
    const inventory = createInternalReadClient({ baseUrl: platform.subgraphs.inventory.internalUrl, signer: platform.signing.signer, timeoutMs: 5_000, logger });
    const availability = await inventory.post('/internal/availability', { variantIds: [variants.mug] }, { schema: z.object({ availability: z.array(z.object({ variantId: z.string(), available: z.number() })) }) });
    expect(availability).toEqual({ availability: [{ variantId: variants.mug, available: 3 }] });
    await expect(catalog.post('/internal/variants', { ids: Array.from({ length: 101 }, () => randomUUID()) }, { schema: z.unknown() })).rejects.toMatchObject({ code: 'INTERNAL_READ_FAILED' });
    for (const url of [`${platform.subgraphs.catalog.internalUrl}/internal/variants`, `${platform.subgraphs.inventory.internalUrl}/internal/availability`]) {
      const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [], variantIds: [] }) });
      expect(unsigned.status).toBe(401);
    }
  });
});

describe('a suspended store', () => {
  it('cannot have its products added to a cart; lines already there warn NO_LONGER_ON_SALE and leave the totals', async () => {
    const signUp = await platform.gateway.data<{ signUp: { user: { id: string }; accessToken: string } }>(
      `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken } }`,
      { input: { email: `cart-suspended-${run}@example.com`, password: `Correct-Horse-${run}-Battery`, name: 'Cart Suspended' } },
    );
    const applied = await platform.gateway.data<{ applyForVendor: { vendor: { id: string } } }>(
      `mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } } }`,
      { input: { name: `Nebula ${run}`, slug: `nebula-${run}` } },
      { token: signUp.signUp.accessToken },
    );
    const vendorId = applied.applyForVendor.vendor.id;
    const approved = await platform.gateway.data<{ approveVendor: { userErrors: UserErrorShape[] } }>(`mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }`, { input: { id: vendorId } }, { token: adminToken });
    expect(approved.approveVendor.userErrors).toEqual([]);
    const vendorToken = await platform.signAccessToken({ sub: signUp.signUp.user.id, role: 'VENDOR', vid: vendorId });
    const teapot = await product(vendorToken, 'Cart teapot', 3_000);

    const me = await customerWithId();
    expect((await add({ variantId: teapot, quantity: 1 }, me.token)).userErrors).toEqual([]);
    const suspended = await platform.gateway.data<{ suspendVendor: { userErrors: UserErrorShape[] } }>(
      `mutation($input: SuspendVendorInput!) { suspendVendor(input: $input) { userErrors { code } } }`,
      { input: { id: vendorId, reason: 'cart e2e' } },
      { token: adminToken },
    );
    expect(suspended.suspendVendor.userErrors).toEqual([]);
    const refused = await waitFor('adding the suspended store’s product to be refused', async () => {
      const attempt = await add({ variantId: teapot, quantity: 1 }, await customer());
      return attempt.userErrors[0]?.code === 'CART_VARIANT_NOT_ON_SALE' ? attempt : undefined;
    });
    expect(refused.cart).toBeNull();
    expect((await add({ variantId: teapot, quantity: 1 }, me.token)).userErrors).toEqual([{ code: 'CART_VARIANT_NOT_ON_SALE', field: ['input', 'variantId'] }]);
    expect(await storedLines(me.id)).toEqual([{ variant_id: teapot, quantity: 1 }]);
    const cart = (await platform.gateway.data<{ myCart: CartShape }>(MY_CART, {}, { token: me.token })).myCart;
    expect(cart.lines[0]?.warnings).toContain('NO_LONGER_ON_SALE');
    expect(cart.subtotal).toEqual({ amount: 0, currency: 'EUR' });
    expect(cart.vendors).toEqual([]);
  });
});
