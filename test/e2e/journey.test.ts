import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The storefront journey of the README, through the gateway only: sign up → log in → me →
 * search → open a product with its vendor's store name and the vendor's other products.
 * The data is made through the API too: a user opens a store, an admin approves it, the new
 * vendor lists products. One test, because each step needs what the one before made; each step
 * is a function named for what it proves.
 */
describe('storefront journey through the one endpoint', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await bootPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  interface Session {
    email: string;
    accessToken: string;
    refreshToken: string;
  }
  interface Store {
    vendorId: string;
    name: string;
    slug: string;
    /** The owner's access token once it says VENDOR. */
    vendorToken: string;
  }

  async function signUpThenLogIn(): Promise<Session> {
    const email = `shopper-${randomUUID()}@example.com`;
    const password = 'correct horse battery 42';
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
    return { email, accessToken: logIn.logIn.accessToken, refreshToken: logIn.logIn.refreshToken };
  }

  async function meAnswersForTheBearerOnly(session: Session): Promise<void> {
    const me = await platform.gateway.data<{ me: { email: string; role: string } }>(`{ me { email role } }`, {}, { token: session.accessToken });
    expect(me.me).toEqual({ email: session.email, role: 'CUSTOMER' });
    const anonymous = await platform.gateway.data<{ me: null }>(`{ me { email } }`);
    expect(anonymous.me).toBeNull();
  }

  async function opensAStoreThatAnAdminApproves(session: Session, word: string): Promise<Store> {
    const name = `Zephyr Goods ${word}`;
    const slug = `zephyr-${word}`;
    const applied = await platform.gateway.data<{ applyForVendor: { vendor: { id: string; status: string }; userErrors: unknown[] } }>(
      `mutation ($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id status } userErrors { code message } } }`,
      { input: { name, slug, description: 'Things that float.' } },
      { token: session.accessToken },
    );
    expect(applied.applyForVendor.userErrors).toEqual([]);
    expect(applied.applyForVendor.vendor.status).toBe('PENDING');
    const vendorId = applied.applyForVendor.vendor.id;

    const adminToken = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
    const approved = await platform.gateway.data<{ approveVendor: { vendor: { status: string }; userErrors: unknown[] } }>(
      `mutation ($input: ApproveVendorInput!) { approveVendor(input: $input) { vendor { status } userErrors { code message } } }`,
      { input: { id: vendorId } },
      { token: adminToken },
    );
    expect(approved.approveVendor).toEqual({ vendor: { status: 'APPROVED' }, userErrors: [] });

    // The VENDOR role and vendor id arrive with the next access token.
    const refreshed = await platform.gateway.data<{ refreshAccessToken: { accessToken: string; user: { role: string } } }>(
      `mutation ($input: RefreshAccessTokenInput!) { refreshAccessToken(input: $input) { accessToken user { role } userErrors { code } } }`,
      { input: { refreshToken: session.refreshToken } },
    );
    expect(refreshed.refreshAccessToken.user.role).toBe('VENDOR');
    return { vendorId, name, slug, vendorToken: refreshed.refreshAccessToken.accessToken };
  }

  async function listsActiveProducts(store: Store, word: string): Promise<string[]> {
    const productIds: string[] = [];
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
        { token: store.vendorToken },
      );
      expect(created.createProduct.userErrors).toEqual([]);
      const id = created.createProduct.product.id;
      const activated = await platform.gateway.data<{ setProductStatus: { product: { status: string }; userErrors: unknown[] } }>(
        `mutation ($input: SetProductStatusInput!) { setProductStatus(input: $input) { product { status } userErrors { code message } } }`,
        { input: { id, status: 'ACTIVE' } },
        { token: store.vendorToken },
      );
      expect(activated.setProductStatus).toEqual({ product: { status: 'ACTIVE' }, userErrors: [] });
      productIds.push(id);
    }
    return productIds;
  }

  async function searchFindsThemByWordPrefixAndTypo(store: Store, word: string, productIds: string[]): Promise<void> {
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
    expect(exact.products.edges.every((edge) => edge.node.vendor.name === store.name)).toBe(true);

    // A prefix ranks its product first; a typo (one letter dropped) still finds all three.
    const lamp = await platform.gateway.data<SearchResult>(search, { search: `float ${word}` });
    expect(lamp.products.edges[0]?.node.name).toBe(`Floating ${word} Lamp`);
    const typo = await platform.gateway.data<SearchResult>(search, { search: word.replace('h', '') });
    expect(typo.products.totalCount).toBe(3);
  }

  async function aProductShowsItsStoreAndTheStoresOtherProducts(store: Store, word: string, productIds: string[]): Promise<void> {
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
    expect(result.product.vendor).toMatchObject({ id: store.vendorId, name: store.name, slug: store.slug });
    expect(result.product.vendor.products.totalCount).toBe(3);
    expect(result.product.vendor.products.edges.map((edge) => edge.node.id).sort()).toEqual([...productIds].sort());
  }

  it('sign up, log in, me, open a store, list products, find them, open one with its store', async () => {
    // A word no other test uses, so the search result is exactly ours.
    const word = `zephyr${randomUUID().slice(0, 8)}`;
    const session = await signUpThenLogIn();
    await meAnswersForTheBearerOnly(session);
    const store = await opensAStoreThatAnAdminApproves(session, word);
    const productIds = await listsActiveProducts(store, word);
    await searchFindsThemByWordPrefixAndTypo(store, word, productIds);
    await aProductShowsItsStoreAndTheStoresOtherProducts(store, word, productIds);
  });
});
