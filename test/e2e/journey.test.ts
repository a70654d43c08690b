import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The storefront journey of the README, through the gateway only: sign up → log in → me →
 * search → open a product with its vendor's store name and the vendor's other products.
 * The data is made through the API too: a user opens a store, an admin approves it, the new
 * vendor lists products.
 */
describe('storefront journey through the one endpoint', () => {
  let platform: TestPlatform;
  // A word no other test uses, so the search result is exactly ours.
  const word = `zephyr${randomUUID().slice(0, 8)}`;
  const email = `shopper-${randomUUID()}@example.com`;
  const password = 'correct horse battery 42';
  let accessToken = '';
  let refreshToken = '';
  let vendorId = '';
  const productIds: string[] = [];

  beforeAll(async () => {
    platform = await bootPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('signs up and logs in', async () => {
    const signUp = await platform.gateway.data<{ signUp: { user: { id: string; email: string }; userErrors: unknown[] } }>(
      `mutation ($input: SignUpInput!) { signUp(input: $input) { user { id email } userErrors { code field message } } }`,
      { input: { email, password, name: 'Sam Shopper' } },
    );
    expect(signUp.signUp.userErrors).toEqual([]);
    expect(signUp.signUp.user.email).toBe(email);

    const logIn = await platform.gateway.data<{
      logIn: { accessToken: string; refreshToken: string; user: { email: string }; userErrors: unknown[] };
    }>(
      `mutation ($input: LogInInput!) { logIn(input: $input) { accessToken refreshToken user { email } userErrors { code message } } }`,
      { input: { email, password } },
    );
    expect(logIn.logIn.userErrors).toEqual([]);
    expect(logIn.logIn.accessToken).toMatch(/^ey/);
    accessToken = logIn.logIn.accessToken;
    refreshToken = logIn.logIn.refreshToken;
  });

  it('answers `me` for the bearer of the token, and null without one', async () => {
    const me = await platform.gateway.data<{ me: { email: string; role: string } }>(`{ me { email role } }`, {}, { token: accessToken });
    expect(me.me).toEqual({ email, role: 'CUSTOMER' });
    const anonymous = await platform.gateway.data<{ me: null }>(`{ me { email } }`);
    expect(anonymous.me).toBeNull();
  });

  it('lets the user open a store that an admin approves, then list products as its vendor', async () => {
    const applied = await platform.gateway.data<{ applyForVendor: { vendor: { id: string; status: string }; userErrors: unknown[] } }>(
      `mutation ($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id status } userErrors { code message } } }`,
      { input: { name: `Zephyr Goods ${word}`, slug: `zephyr-${word}`, description: 'Things that float.' } },
      { token: accessToken },
    );
    expect(applied.applyForVendor.userErrors).toEqual([]);
    expect(applied.applyForVendor.vendor.status).toBe('PENDING');
    vendorId = applied.applyForVendor.vendor.id;

    const adminToken = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
    const approved = await platform.gateway.data<{ approveVendor: { vendor: { status: string }; userErrors: unknown[] } }>(
      `mutation ($id: ID!) { approveVendor(id: $id) { vendor { status } userErrors { code message } } }`,
      { id: vendorId },
      { token: adminToken },
    );
    expect(approved.approveVendor).toEqual({ vendor: { status: 'APPROVED' }, userErrors: [] });

    // The VENDOR role and vendor id arrive with the next access token.
    const refreshed = await platform.gateway.data<{ refreshAccessToken: { accessToken: string; refreshToken: string; user: { role: string } } }>(
      `mutation ($token: String!) { refreshAccessToken(refreshToken: $token) { accessToken refreshToken user { role } userErrors { code } } }`,
      { token: refreshToken },
    );
    expect(refreshed.refreshAccessToken.user.role).toBe('VENDOR');
    accessToken = refreshed.refreshAccessToken.accessToken;

    for (const [index, name] of [`Floating ${word} Lamp`, `Drifting ${word} Chair`, `Hovering ${word} Shelf`].entries()) {
      const created = await platform.gateway.data<{ createProduct: { product: { id: string }; userErrors: unknown[] } }>(
        `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code field message } } }`,
        {
          input: {
            name,
            description: `A ${word} piece for calm rooms.`,
            variants: [{ sku: `${word}-${index}`, price: { amount: 1999 + index * 1000, currency: 'EUR' } }],
          },
        },
        { token: accessToken },
      );
      expect(created.createProduct.userErrors).toEqual([]);
      const id = created.createProduct.product.id;
      const activated = await platform.gateway.data<{ setProductStatus: { product: { status: string }; userErrors: unknown[] } }>(
        `mutation ($input: SetProductStatusInput!) { setProductStatus(input: $input) { product { status } userErrors { code message } } }`,
        { input: { id, status: 'ACTIVE' } },
        { token: accessToken },
      );
      expect(activated.setProductStatus).toEqual({ product: { status: 'ACTIVE' }, userErrors: [] });
      productIds.push(id);
    }
  });

  it('finds the products by a word, a prefix and a typo, as a connection', async () => {
    const search = `query ($search: String!) {
      products(first: 10, filter: { search: $search }) {
        totalCount
        edges { cursor node { id name priceRange { min { amount currency formatted } } vendor { name } } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    type SearchResult = { products: { totalCount: number; edges: { node: { id: string; name: string; vendor: { name: string } } }[] } };
    const exact = await platform.gateway.data<SearchResult>(search, { search: word });
    expect(exact.products.totalCount).toBe(3);
    expect(exact.products.edges.map((edge) => edge.node.id).sort()).toEqual([...productIds].sort());
    expect(exact.products.edges.every((edge) => edge.node.vendor.name === `Zephyr Goods ${word}`)).toBe(true);

    // A prefix ranks its product first; a typo (one letter dropped) still finds all three.
    const lamp = await platform.gateway.data<SearchResult>(search, { search: `float ${word}` });
    expect(lamp.products.edges[0]?.node.name).toBe(`Floating ${word} Lamp`);
    const typo = await platform.gateway.data<SearchResult>(search, { search: word.replace('h', '') });
    expect(typo.products.totalCount).toBe(3);
  });

  it("opens one product with its vendor's store name and the vendor's other products", async () => {
    const result = await platform.gateway.data<{
      product: {
        name: string;
        vendor: { id: string; name: string; slug: string; products: { totalCount: number; edges: { node: { id: string } }[] } };
      };
    }>(
      `query ($id: ID!) {
        product(id: $id) {
          name
          variants { sku price { amount currency formatted } }
          vendor { id name slug products(first: 10) { totalCount edges { node { id name } } } }
        }
      }`,
      { id: productIds[0] },
    );
    expect(result.product.name).toBe(`Floating ${word} Lamp`);
    expect(result.product.vendor).toMatchObject({ id: vendorId, name: `Zephyr Goods ${word}`, slug: `zephyr-${word}` });
    expect(result.product.vendor.products.totalCount).toBe(3);
    expect(result.product.vendor.products.edges.map((edge) => edge.node.id).sort()).toEqual([...productIds].sort());
  });
});
