import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { leaksInternals } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';

/**
 * A process that cannot read the list of ended sessions (here the catalog, whose Redis is down)
 * fails closed for privileged tokens and open for customers: ADMIN and VENDOR tokens are refused
 * with SESSION_CHECK_UNAVAILABLE (HTTP 503, retry shortly) and nothing they asked for runs;
 * customers keep shopping. Processes whose Redis answers (the gateway, users) are unaffected.
 */

const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }`;
const PRODUCTS = '{ products(first: 1) { totalCount } }';
const MY_PRODUCTS = '{ myProducts { totalCount } }';

let platform: TestPlatform;
let catalogDb: pg.Client;

beforeAll(async () => {
  platform = await bootPlatform({ env: { catalog: { REDIS_URL: 'redis://127.0.0.1:6390' } } });
  catalogDb = new pg.Client(poolConfigFromUrl(testDatabaseUrl('catalog')));
  await catalogDb.connect();
});
afterAll(async () => {
  await catalogDb?.end();
  await platform?.close();
});

const product = () => ({ name: `Unchecked ${randomUUID().slice(0, 8)}`, variants: [{ sku: `UNC-${randomUUID().slice(0, 8)}`, price: { amount: 500, currency: 'EUR' } }] });
const productCount = async (vendorId: string) => Number((await catalogDb.query<{ count: string }>('SELECT count(*) FROM products WHERE vendor_id = $1', [vendorId])).rows[0]?.count);

describe('the session check when Redis is down', () => {
  it('refuses vendor and admin tokens at the catalog with SESSION_CHECK_UNAVAILABLE, writing nothing', async () => {
    const vendorId = randomUUID();
    const vendor = await platform.signAccessToken({ role: 'VENDOR', vid: vendorId });
    const admin = await platform.signAccessToken({ role: 'ADMIN' });
    for (const [token, query, variables] of [
      [vendor, CREATE_PRODUCT, { input: product() }],
      [admin, MY_PRODUCTS, undefined],
    ] as const) {
      const response = await platform.subgraphClient('catalog').request(query, variables, { token });
      expect(response.status).toBe(503);
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('SESSION_CHECK_UNAVAILABLE');
      expect(response.body.errors?.[0]?.message).toMatch(/cannot be checked right now/);
      expect(leaksInternals(response.body)).toBe(false);
    }
    // Through the gateway (whose Redis answers) the catalog still refuses its part.
    const throughGateway = await platform.gateway.request(CREATE_PRODUCT, { input: product() }, { token: vendor });
    expect(throughGateway.body.errors?.[0]?.extensions?.code).toBe('SESSION_CHECK_UNAVAILABLE');
    expect(leaksInternals(throughGateway.body)).toBe(false);
    expect(await productCount(vendorId)).toBe(0);
  });

  it('lets customers through at the catalog, and every token through where Redis answers', async () => {
    const signedUp = await platform.gateway.data<{ signUp: { accessToken: string } }>(
      'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
      { input: { email: `outage-${randomUUID().slice(0, 8)}@example.com`, password: 'Correct-Horse-9', name: 'Patient Shopper' } },
    );
    const customer = await platform.subgraphClient('catalog').request<{ products: { totalCount: number } }>(PRODUCTS, undefined, {
      token: signedUp.signUp.accessToken,
    });
    expect(customer.status).toBe(200);
    expect(customer.body.errors).toBeUndefined();

    const admin = await platform.signAccessToken({ role: 'ADMIN' });
    const users = await platform.gateway.request('{ users(first: 1) { totalCount } }', undefined, { token: admin });
    expect(users.status).toBe(200);
    expect(users.body.errors).toBeUndefined();
  });
});
