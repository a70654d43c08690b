import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/app.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { closeRedis, createRedis, deleteKeysWithPrefix, waitForRedis, type Redis } from '../../platform/redis/redis.ts';
import { composeSubgraphs } from '../../scripts/compose.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testEnv, testRedisPrefix } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

const run = randomUUID().slice(0, 8);
const APQ_PREFIX = testRedisPrefix(`apq-e2e-${run}`);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const LISTING = gql`
  query CatalogListing($vendorId: ID!) {
    products(first: 10, filter: { vendorId: $vendorId }) {
      edges {
        node {
          id
          name
          vendor {
            id
            name
          }
          priceRange {
            min {
              formatted
            }
          }
        }
      }
      totalCount
    }
  }
`;
interface ListingData {
  products: { edges: { node: Record<string, unknown> }[]; totalCount: number };
}
const CATEGORIES = gql`
  query CategoryMenu {
    categories {
      id
      name
    }
  }
`;
const ME = gql`
  query Me {
    me {
      id
    }
  }
`;

/** What went over the wire, as the Apollo Client's fetch saw it. */
interface Exchange {
  method: string;
  url: URL;
  body: string | null;
  status: number;
  cacheControl: string | null;
  vary: string | null;
}

/** A real Apollo Client with the persisted-queries link (hashed queries over GET), recording each exchange at its fetch. */
function apqClient(graphqlUrl: string, token?: string): { client: ApolloClient; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    exchanges.push({
      method: init?.method ?? 'GET',
      url: new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url),
      body: typeof init?.body === 'string' ? init.body : null,
      status: response.status,
      cacheControl: response.headers.get('cache-control'),
      vary: response.headers.get('vary'),
    });
    return response;
  };
  const link = ApolloLink.from([
    new PersistedQueryLink({ sha256, useGETForHashedQueries: true }),
    new HttpLink({
      uri: graphqlUrl,
      fetch: recordingFetch,
      // Apollo Server's CSRF prevention serves a GET only with this header (or x-apollo-operation-name).
      headers: { 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }),
  ]);
  return { client: new ApolloClient({ link, cache: new InMemoryCache() }), exchanges };
}

/** The hash only, in the query string, as a CDN would see a persisted GET. */
function persistedGetUrl(graphqlUrl: string, hash: string, variables?: Record<string, unknown>): string {
  const url = new URL(graphqlUrl);
  url.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
  if (variables) url.searchParams.set('variables', JSON.stringify(variables));
  return url.href;
}

const preflight = { 'apollo-require-preflight': 'true' };

async function postWithHash(graphqlUrl: string, query: string, hash: string, variables?: Record<string, unknown>) {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

async function getByHash(url: string) {
  const response = await fetch(url, { headers: preflight });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe('persisted queries and HTTP caching at the gateway', () => {
  let platform: TestPlatform;
  let second: RunningGateway;
  let redisDown: RunningGateway;
  let redis: Redis;
  let dir: string;
  let vendor: { id: string; name: string; token: string };
  let productName: string;

  beforeAll(async () => {
    platform = await bootPlatform({ env: { gateway: { APQ_KEY_PREFIX: APQ_PREFIX } } });
    redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: '' }, createLogger({ service: 'apq-e2e', level: 'silent', pretty: false }));
    await waitForRedis(redis);

    // A vendor with one product on sale, so the listing reads the catalog and the users subgraph (the vendor's name).
    const adminToken = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
    const signUp = await platform.gateway.data<{ signUp: { user: { id: string }; accessToken: string } }>(
      `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken } }`,
      { input: { email: `apq-${run}@example.com`, password: `Correct-Horse-${run}-Battery`, name: `APQ ${run}` } },
    );
    const name = `APQ Store ${run}`;
    const applied = await platform.gateway.data<{ applyForVendor: { vendor: { id: string } } }>(
      `mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } } }`,
      { input: { name, slug: `apq-store-${run}` } },
      { token: signUp.signUp.accessToken },
    );
    const vendorId = applied.applyForVendor.vendor.id;
    await platform.gateway.data(`mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }`, { input: { id: vendorId } }, { token: adminToken });
    vendor = { id: vendorId, name, token: await platform.signAccessToken({ sub: signUp.signUp.user.id, role: 'VENDOR', vid: vendorId }) };
    productName = `APQ Lamp ${run}`;
    const created = await platform.gateway.data<{ createProduct: { product: { id: string } } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
      { input: { name: productName, variants: [{ sku: `APQ-${run}`.toUpperCase(), price: { amount: 4999, currency: 'EUR' } }] } },
      { token: vendor.token },
    );
    await platform.gateway.data(
      `mutation($id: ID!) { setProductStatus(input: { id: $id, status: ACTIVE }) { userErrors { code } } }`,
      { id: created.createProduct.product.id },
      { token: vendor.token },
    );

    // Two more instances over the same subgraphs: one sharing the platform gateway's APQ key space, one whose Redis is down.
    dir = mkdtempSync(path.join(tmpdir(), 'apq-e2e-'));
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    writeFileSync(
      supergraphPath,
      await composeSubgraphs(Object.fromEntries(Object.entries(platform.subgraphs).map(([subgraph, running]) => [subgraph, running.graphqlUrl]))),
    );
    const gatewayEnv = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      SUPERGRAPH_PATH: supergraphPath,
      JWKS_URL: platform.jwksUrl,
      SESSIONS_KEY_PREFIX: testRedisPrefix(`apq-sessions-${run}`),
      APQ_KEY_PREFIX: APQ_PREFIX,
      ...platform.signing.env,
    };
    const logger = createLogger({ service: 'apq-e2e', level: 'silent', pretty: false });
    second = await startGateway(loadGatewayConfig({ ...gatewayEnv, REDIS_URL: testEnv.REDIS_URL }), logger);
    // Nothing listens there.
    redisDown = await startGateway(loadGatewayConfig({ ...gatewayEnv, REDIS_URL: 'redis://127.0.0.1:6390/0' }), logger);
  });
  afterAll(async () => {
    await redisDown?.close();
    await second?.close();
    await platform?.close();
    if (redis) {
      await deleteKeysWithPrefix(redis, APQ_PREFIX);
      await closeRedis(redis);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a real Apollo Client runs the catalog listing by hash: registered on the first miss, then a GET carrying only the hash, cacheable by anyone', async () => {
    const { client, exchanges } = apqClient(platform.gatewayServer.graphqlUrl);
    const first = await client.query<ListingData>({ query: LISTING, variables: { vendorId: vendor.id }, fetchPolicy: 'no-cache' });
    const expected = { name: productName, vendor: { id: vendor.id, name: vendor.name }, priceRange: { min: { formatted: '€49.99' } } };
    expect(first.data?.products.edges.map((edge) => edge.node)).toMatchObject([expected]);
    // The hash alone over GET, answered PersistedQueryNotFound; then the document with its hash over POST, which registers it.
    expect(exchanges.map((exchange) => exchange.method)).toEqual(['GET', 'POST']);
    expect(exchanges[0]?.url.searchParams.get('query')).toBeNull();
    // The client adds __typename to what it hashes and sends.
    const registered = JSON.parse(exchanges[1]?.body ?? '{}') as { query: string; extensions: { persistedQuery: { sha256Hash: string } } };
    expect(registered.query).toContain('CatalogListing');
    const hash = sha256(registered.query);
    expect(registered.extensions.persistedQuery.sha256Hash).toBe(hash);
    expect(JSON.parse(exchanges[0]?.url.searchParams.get('extensions') ?? '{}')).toMatchObject({ persistedQuery: { version: 1, sha256Hash: hash } });
    await waitFor('the listing to be registered', async () => (await redis.exists(`${APQ_PREFIX}${hash}`)) === 1);

    exchanges.length = 0;
    const again = await client.query({ query: LISTING, variables: { vendorId: vendor.id }, fetchPolicy: 'no-cache' });
    expect(again.data).toEqual(first.data);
    expect(exchanges).toHaveLength(1);
    const [hashed] = exchanges;
    expect(hashed?.method).toBe('GET');
    expect(hashed?.status).toBe(200);
    expect(hashed?.url.searchParams.get('query')).toBeNull();
    expect(JSON.parse(hashed?.url.searchParams.get('extensions') ?? '{}')).toMatchObject({ persistedQuery: { version: 1, sha256Hash: hash } });
    // The listing's own hint (60 s) and the vendor entity's from the users subgraph (60 s), combined.
    expect(hashed?.cacheControl).toBe('max-age=60, public');
    expect(hashed?.vary?.split(', ')).toEqual(expect.arrayContaining(['Accept', 'Authorization', 'X-Api-Key']));

    exchanges.length = 0;
    await client.query({ query: CATEGORIES, fetchPolicy: 'no-cache' });
    await client.query({ query: CATEGORIES, fetchPolicy: 'no-cache' });
    expect(exchanges.map((exchange) => exchange.method)).toEqual(['GET', 'POST', 'GET']);
    expect(exchanges[2]?.cacheControl).toBe('max-age=300, public');
  });

  it('per-user reads are never stored, and a signed-in caller gets at most a private answer', async () => {
    const customerToken = await platform.signAccessToken({ sub: randomUUID(), role: 'CUSTOMER' });
    const customer = apqClient(platform.gatewayServer.graphqlUrl, customerToken);
    await customer.client.query({ query: ME, fetchPolicy: 'no-cache' });
    customer.exchanges.length = 0;
    await customer.client.query({ query: ME, fetchPolicy: 'no-cache' });
    expect(customer.exchanges.map((exchange) => [exchange.method, exchange.cacheControl])).toEqual([['GET', 'no-store']]);

    // The same public listing: the customer's own cache may keep it, a shared one not.
    customer.exchanges.length = 0;
    await customer.client.query({ query: LISTING, variables: { vendorId: vendor.id }, fetchPolicy: 'no-cache' });
    expect(customer.exchanges.at(-1)?.cacheControl).toBe('max-age=60, private');

    // A vendor may see more than shoppers (its drafts): nothing it reads is stored.
    const vendorClient = apqClient(platform.gatewayServer.graphqlUrl, vendor.token);
    await vendorClient.client.query({ query: LISTING, variables: { vendorId: vendor.id }, fetchPolicy: 'no-cache' });
    expect(vendorClient.exchanges.at(-1)?.cacheControl).toBe('no-store');
  });

  it('answers an unknown hash per the APQ protocol: 200, PERSISTED_QUERY_NOT_FOUND, and nothing a cache may keep', async () => {
    const response = await getByHash(persistedGetUrl(platform.gatewayServer.graphqlUrl, sha256(`unknown ${randomUUID()}`)));
    expect(response.status).toBe(200);
    expect(response.body.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    expect(response.headers.get('cache-control')).not.toMatch(/public|max-age=[1-9]/);
  });

  it('refuses a hash that does not match the document, and stores nothing under it', async () => {
    const wrongHash = sha256(`something else ${randomUUID()}`);
    const response = await postWithHash(platform.gatewayServer.graphqlUrl, print(CATEGORIES), wrongHash);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    expect(await redis.exists(`${APQ_PREFIX}${wrongHash}`)).toBe(0);
    const lookup = await getByHash(persistedGetUrl(platform.gatewayServer.graphqlUrl, wrongHash));
    expect(lookup.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('keeps CSRF prevention on: a GET without a preflight header is refused', async () => {
    const url = new URL(platform.gatewayServer.graphqlUrl);
    url.searchParams.set('query', '{ categories { id } }');
    const response = await fetch(url);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
  });

  it('never runs a mutation over GET, registered or not, and answers a POSTed mutation with no-store', async () => {
    const mutation = 'mutation Apply($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } } }';
    const url = new URL(platform.gatewayServer.graphqlUrl);
    url.searchParams.set('query', mutation);
    url.searchParams.set('variables', JSON.stringify({ input: { name: 'Nope', slug: `nope-${run}` } }));
    const plain = await fetch(url, { headers: preflight });
    expect(plain.status).toBe(405);

    // Registered by hash over POST (it runs there, refused for the anonymous caller), then by hash over GET.
    const hash = sha256(mutation);
    const posted = await postWithHash(platform.gatewayServer.graphqlUrl, mutation, hash, { input: { name: 'Nope', slug: `nope-${run}` } });
    expect(posted.headers.get('cache-control')).toBe('no-store');
    await waitFor('the mutation to be registered', async () => (await redis.exists(`${APQ_PREFIX}${hash}`)) === 1);
    const byHash = await fetch(persistedGetUrl(platform.gatewayServer.graphqlUrl, hash, { input: { name: 'Nope', slug: `nope-${run}` } }), { headers: preflight });
    expect(byHash.status).toBe(405);
  });

  it('shares registered documents across gateway instances through Redis', async () => {
    const query = `query SharedMenu { categories { id slug } } # ${run}`;
    const hash = sha256(query);
    const registered = await postWithHash(platform.gatewayServer.graphqlUrl, query, hash);
    expect(registered.body.errors).toBeUndefined();
    // Apollo stores the document after answering, without waiting.
    await waitFor('the document to reach Redis', async () => (await redis.exists(`${APQ_PREFIX}${hash}`)) === 1);
    expect(await redis.ttl(`${APQ_PREFIX}${hash}`)).toBeGreaterThan(0);

    const onSecond = await getByHash(persistedGetUrl(second.graphqlUrl, hash));
    expect(onSecond.status).toBe(200);
    expect(onSecond.body).toEqual({ data: registered.body.data });
    expect(onSecond.headers.get('cache-control')).toBe('max-age=300, public');
  });

  it('fails open when Redis is down: a hash is a miss, the whole document still runs', async () => {
    const query = `query MenuWithoutRedis { categories { id } } # ${run}`;
    const hash = sha256(query);
    const miss = await getByHash(persistedGetUrl(redisDown.graphqlUrl, hash));
    expect(miss.status).toBe(200);
    expect(miss.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const full = await postWithHash(redisDown.graphqlUrl, query, hash);
    expect(full.status).toBe(200);
    expect(full.body.errors).toBeUndefined();
    expect(full.body.data).toEqual({ categories: expect.any(Array) });
  });
});
