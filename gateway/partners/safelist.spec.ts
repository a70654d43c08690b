import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, createRedis, waitForRedis, type Redis } from '../../platform/redis/redis.ts';
import { testEnv, testRedisPrefix } from '../../test/support/test-env.ts';
import { waitFor } from '../../test/support/wait.ts';
import { postGraphQL, quietLogger, startToyGateway, startToySubgraphs, TOY_USERS, type ToyGateway, type ToySubgraphs } from '../testing/toy-platform.ts';

/**
 * The gateway's side of partners and safelists, over the toy subgraphs, with the Redis mirror
 * written by hand as the users subgraph writes it (subgraphs/users/infra/partner-mirror.ts).
 */
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const PRODUCTS = 'query Products { products { id } }';
const ME = 'query Me { me { id } }';
const CACHE_MS = 100;
const byId = (id: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: id } } });

describe('safelists at the gateway', () => {
  let toys: ToySubgraphs;
  let partnersGateway: ToyGateway;
  let lockedGateway: ToyGateway;
  let redis: Redis;
  let dir: string;
  const prefix = testRedisPrefix(`partners-spec-${randomUUID().slice(0, 8)}`);
  const apiKey = `shpk_${'k'.repeat(43)}`;
  const appId = randomUUID();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'safelist-spec-'));
    const manifestPath = path.join(dir, 'first-party.json');
    writeFileSync(
      manifestPath,
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha(PRODUCTS), name: 'Products', type: 'query', body: PRODUCTS }] }),
    );
    redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix: prefix }, quietLogger());
    await waitForRedis(redis);
    await redis.set(`key:${sha(apiKey)}`, JSON.stringify({ appId, keyId: randomUUID(), notAfter: null }));
    await redis.hset(`manifest:${appId}`, sha(PRODUCTS), PRODUCTS);
    toys = await startToySubgraphs();
    const common = { REDIS_URL: testEnv.REDIS_URL, PARTNERS_KEY_PREFIX: prefix, PARTNER_KEY_CACHE_MS: String(CACHE_MS) };
    partnersGateway = await startToyGateway(toys, common);
    lockedGateway = await startToyGateway(toys, { ...common, FIRST_PARTY_MANIFEST_PATH: manifestPath });
  });
  afterAll(async () => {
    await partnersGateway?.close();
    await lockedGateway?.close();
    await toys?.close();
    await closeRedis(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a partner operation by id from its manifest; anything else is refused before it runs', async () => {
    const url = partnersGateway.gateway.graphqlUrl;
    const listed = await postGraphQL(url, byId(sha(PRODUCTS)), { 'x-api-key': apiKey });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual({ products: expect.any(Array) });
    const unlisted = await postGraphQL(url, byId(sha(ME)), { 'x-api-key': apiKey });
    expect([unlisted.status, unlisted.body.errors?.[0]?.extensions?.code]).toEqual([403, 'PERSISTED_QUERY_NOT_IN_LIST']);
    const freeForm = await postGraphQL(url, { query: PRODUCTS }, { 'x-api-key': apiKey });
    expect([freeForm.status, freeForm.body.errors?.[0]?.extensions?.code]).toEqual([400, 'PERSISTED_QUERY_ID_REQUIRED']);
    // Other callers are not held to any list on this gateway.
    expect((await postGraphQL(url, { query: PRODUCTS })).status).toBe(200);
  });

  it('serves a partner by id over GET too (the query string carries the extension)', async () => {
    const search = new URLSearchParams({ extensions: JSON.stringify(byId(sha(PRODUCTS)).extensions) });
    const response = await fetch(`${partnersGateway.gateway.graphqlUrl}?${search.toString()}`, { headers: { 'x-api-key': apiKey, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data?: unknown }).data).toEqual({ products: expect.any(Array) });
  });

  it('answers 503 PARTNER_CHECK_UNAVAILABLE when the mirror cannot be read, and lets nothing through', async () => {
    const blind = await startToyGateway(toys, { REDIS_URL: 'redis://127.0.0.1:6390/0', PARTNERS_KEY_PREFIX: prefix });
    try {
      const response = await postGraphQL(blind.gateway.graphqlUrl, byId(sha(PRODUCTS)), { 'x-api-key': apiKey });
      expect([response.status, response.body.errors?.[0]?.extensions?.code]).toEqual([503, 'PARTNER_CHECK_UNAVAILABLE']);
      expect(response.body.data).toBeUndefined();
    } finally {
      await blind.close();
    }
  });

  it('refuses a key once its mirror entry is gone, within the cache time', async () => {
    const url = partnersGateway.gateway.graphqlUrl;
    const other = `shpk_${'o'.repeat(43)}`;
    await redis.set(`key:${sha(other)}`, JSON.stringify({ appId, keyId: randomUUID(), notAfter: null }));
    expect((await postGraphQL(url, byId(sha(PRODUCTS)), { 'x-api-key': other })).status).toBe(200);
    await redis.del(`key:${sha(other)}`);
    const refused = await waitFor('the deleted key to be refused', async () => {
      const response = await postGraphQL(url, byId(sha(PRODUCTS)), { 'x-api-key': other });
      return response.status === 401 ? response : undefined;
    }, { timeoutMs: 5_000 });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('INVALID_API_KEY');
  });

  it('holds first-party callers to FIRST_PARTY_MANIFEST_PATH when it is set', async () => {
    const url = lockedGateway.gateway.graphqlUrl;
    const listed = await postGraphQL(url, byId(sha(PRODUCTS)));
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual({ products: expect.any(Array) });
    const freeForm = await postGraphQL(url, { query: PRODUCTS });
    expect([freeForm.status, freeForm.body.errors?.[0]?.extensions?.code]).toEqual([400, 'PERSISTED_QUERY_ID_REQUIRED']);
    const token = await toys.signToken({ sub: TOY_USERS[0]!.id, role: 'CUSTOMER' });
    const unlisted = await postGraphQL(url, byId(sha(ME)), { authorization: `Bearer ${token}` });
    expect([unlisted.status, unlisted.body.errors?.[0]?.extensions?.code]).toEqual([403, 'PERSISTED_QUERY_NOT_IN_LIST']);
    // Partners keep to their own manifest there too.
    expect((await postGraphQL(url, byId(sha(PRODUCTS)), { 'x-api-key': apiKey })).status).toBe(200);
  });
});
