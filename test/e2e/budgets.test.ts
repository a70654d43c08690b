import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/app.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { composeSubgraphs } from '../../scripts/compose.ts';
import { GraphQLTestClient, leaksInternals, type GraphQLResponse } from '../support/graphql-client.ts';
import { byIdBody, manifestOf, registerPartner } from '../support/partners.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testEnv, testRedisPrefix } from '../support/test-env.ts';

/**
 * Budgets at the edge: each caller (client address, account, API key) spends its class's token
 * bucket by each operation's estimated cost, in Redis, so every gateway instance draws on the
 * same bucket. Anonymous callers get a tiny bucket here (100 points, refilled over an hour, so
 * nothing comes back while the file runs); each test names its own client address through
 * X-Forwarded-For (the gateways trust 127.0.0.1 as their load balancer), so no two tests share one.
 */

const ANONYMOUS_CAPACITY = 100;
const ANONYMOUS_WINDOW_SECONDS = 3600;
/** 1 for the connection + 1 per edge: 10 points, so a full anonymous bucket admits exactly 10. */
const LISTING = 'query BudgetListing { products(first: 9) { totalCount edges { cursor } } }';
const LISTING_COST = 10;

/**
 * Callers that must not be throttled when an anonymous one from the same address is. Each brings
 * its own credentials (request headers, and whether it must run by id) and the capacity of its class.
 */
const UNTHROTTLED: { name: string; capacity: number; caller: (platform: TestPlatform) => Promise<{ headers: Record<string, string>; byId: boolean }> }[] = [
  {
    name: 'a signed-in customer',
    capacity: 50_000,
    caller: async (p) => ({ headers: { authorization: `Bearer ${await p.signAccessToken({ sub: randomUUID(), role: 'CUSTOMER' })}` }, byId: false }),
  },
  {
    // A partner runs the listing from its manifest, by id, with its API key.
    name: 'a partner app',
    capacity: 50_000,
    caller: async (p) => {
      const { apiKey } = await registerPartner(p, `Budget partner ${randomUUID().slice(0, 6)}`, manifestOf(['BudgetListing', LISTING]));
      return { headers: { 'x-api-key': apiKey }, byId: true };
    },
  },
];

let nextHost = 1;
/** A client address never used before in this file: its own anonymous bucket. */
const clientAddress = () => `198.51.100.${nextHost++}`;

const gatewayEnv = (keyPrefix: string) => ({
  MAX_QUERY_COST: String(ANONYMOUS_CAPACITY),
  BUDGET_ANONYMOUS: `${ANONYMOUS_CAPACITY}/${ANONYMOUS_WINDOW_SECONDS}s`,
  BUDGET_CUSTOMER: '50000/60s',
  BUDGET_PARTNER: '50000/60s',
  BUDGET_ADMIN: '50000/60s',
  BUDGETS_KEY_PREFIX: keyPrefix,
  TRUSTED_PROXIES: '127.0.0.1,::1',
});

interface CostReport {
  requestedQueryCost: number;
  maximumAvailable: number | null;
  currentlyAvailable: number | null;
  restoreRate: number | null;
}
type Answer = GraphQLResponse<unknown> & { body: { extensions?: { cost?: CostReport } } };

/** POSTs `query` from `address`; `cost: true` asks for the cost report in the request's extensions. */
async function ask(
  client: GraphQLTestClient,
  address: string,
  options: { query?: string; cost?: boolean; headers?: Record<string, string>; byId?: boolean } = {},
): Promise<Answer> {
  const body = options.byId
    ? byIdBody(options.query ?? LISTING)
    : JSON.stringify({ query: options.query ?? LISTING, ...(options.cost ? { extensions: { cost: true } } : {}) });
  return client.send(body, { headers: { 'x-forwarded-for': address, ...options.headers } });
}

const rateLimitHeaders = (response: Answer) =>
  Object.fromEntries(['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'retry-after'].map((name) => [name, response.headers.get(name)]));

let platform: TestPlatform;
let second: RunningGateway;
let redisDown: RunningGateway;
let dir: string;
/** GraphQL requests the catalog received, counted at its HTTP server. */
let catalogRequests = 0;

beforeAll(async () => {
  const keyPrefix = testRedisPrefix(`budgets-e2e-${randomUUID().slice(0, 8)}`);
  platform = await bootPlatform({ env: { gateway: gatewayEnv(keyPrefix) } });
  platform.subgraphs.catalog.server.on('request', (req: IncomingMessage) => {
    if (req.url?.startsWith('/graphql')) catalogRequests += 1;
  });
  dir = mkdtempSync(path.join(tmpdir(), 'budgets-e2e-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, await composeSubgraphs(Object.fromEntries(Object.entries(platform.subgraphs).map(([name, running]) => [name, running.graphqlUrl]))));
  const common = { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', SUPERGRAPH_PATH: supergraphPath, JWKS_URL: platform.jwksUrl, REDIS_URL: testEnv.REDIS_URL, ...platform.signing.env };
  const logger = createLogger({ service: 'budgets-e2e', level: 'silent', pretty: false });
  // Another instance on the same buckets, as behind a load balancer.
  second = await startGateway(loadGatewayConfig({ ...common, ...gatewayEnv(keyPrefix) }), logger);
  // An instance whose Redis is gone (nothing listens on that port).
  redisDown = await startGateway(loadGatewayConfig({ ...common, ...gatewayEnv(keyPrefix), REDIS_URL: 'redis://127.0.0.1:6390' }), logger);
});
afterAll(async () => {
  await redisDown?.close();
  await second?.close();
  await platform?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rate and cost budgets', () => {
  it('holds one budget across two gateway instances: exactly the capacity is admitted, the rest get 429 with Retry-After', async () => {
    const address = clientAddress();
    const gateways = [platform.gateway, new GraphQLTestClient(second.graphqlUrl)];
    const before = catalogRequests;
    const answers: Answer[] = [];
    for (let i = 0; i < 15; i += 1) answers.push(await ask(gateways[i % 2]!, address));

    const admitted = answers.filter((answer) => answer.status === 200);
    expect(admitted).toHaveLength(ANONYMOUS_CAPACITY / LISTING_COST);
    for (const [index, answer] of admitted.entries()) {
      expect(answer.body.errors).toBeUndefined();
      // Each instance reports the shared bucket: 90, 80, … whichever instance answered.
      const remaining = ANONYMOUS_CAPACITY - LISTING_COST * (index + 1);
      const { 'ratelimit-reset': reset, ...headers } = rateLimitHeaders(answer);
      expect(headers).toEqual({
        'ratelimit-limit': String(ANONYMOUS_CAPACITY),
        'ratelimit-remaining': String(remaining),
        'ratelimit-policy': `${ANONYMOUS_CAPACITY};w=${ANONYMOUS_WINDOW_SECONDS}`,
        'retry-after': null,
      });
      // Seconds until full: 36 s a point for what was spent, less the fraction that trickled back since.
      const untilFull = (ANONYMOUS_CAPACITY - remaining) * (ANONYMOUS_WINDOW_SECONDS / ANONYMOUS_CAPACITY);
      expect(Number(reset)).toBeGreaterThan(untilFull - 3);
      expect(Number(reset)).toBeLessThanOrEqual(untilFull);
    }

    const refused = answers.slice(admitted.length);
    expect(refused).toHaveLength(5);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.body.data).toBeUndefined();
      // The bucket is all but empty: 10 points take 10 × 36 s to come back (less what trickled in since).
      const retryAfter = Number(answer.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(340);
      expect(retryAfter).toBeLessThanOrEqual(LISTING_COST * (ANONYMOUS_WINDOW_SECONDS / ANONYMOUS_CAPACITY));
      expect(answer.headers.get('ratelimit-remaining')).toBe('0');
      expect(answer.body.errors).toEqual([
        { message: expect.stringContaining(`costs ${LISTING_COST}`) as string, extensions: { code: 'RATE_LIMITED', cost: LISTING_COST, retryAfterSeconds: retryAfter } },
      ]);
      expect(leaksInternals(answer.body)).toBe(false);
    }
    // Nothing refused reached a subgraph: one catalog request per admitted operation.
    expect(catalogRequests - before).toBe(admitted.length);
  });

  it.each(UNTHROTTLED)('throttles an anonymous client that spent its budget while $name from the same address is served', async ({ capacity, caller }) => {
    const address = clientAddress();
    for (let i = 0; i < ANONYMOUS_CAPACITY / LISTING_COST; i += 1) expect((await ask(platform.gateway, address)).status).toBe(200);
    expect((await ask(platform.gateway, address)).status).toBe(429);

    const served = await ask(platform.gateway, address, await caller(platform));
    expect(served.status).toBe(200);
    expect(served.body.errors).toBeUndefined();
    expect(served.headers.get('ratelimit-limit')).toBe(String(capacity));
    expect(served.headers.get('ratelimit-remaining')).toBe(String(capacity - LISTING_COST));
    // And the anonymous client is still refused.
    expect((await ask(platform.gateway, address)).status).toBe(429);
  });

  it('reports the cost in extensions only when the request asks for it', async () => {
    const address = clientAddress();
    const plain = await ask(platform.gateway, address);
    expect(plain.status).toBe(200);
    expect(plain.body).not.toHaveProperty('extensions.cost');

    expect(plain.headers.get('cache-control')).toBe('max-age=60, public');
    const asked = await ask(platform.gateway, address, { cost: true });
    // The report is this caller's figures: no cache may keep the answer.
    expect(asked.headers.get('cache-control')).toBe('no-store');
    expect(asked.body.extensions?.cost).toEqual({
      requestedQueryCost: LISTING_COST,
      maximumAvailable: ANONYMOUS_CAPACITY,
      currentlyAvailable: ANONYMOUS_CAPACITY - 2 * LISTING_COST,
      restoreRate: 0.028,
    });
    expect(asked.headers.get('ratelimit-remaining')).toBe(String(ANONYMOUS_CAPACITY - 2 * LISTING_COST));

    // A refusal carries it too, with what the bucket holds.
    for (let i = 0; i < 8; i += 1) await ask(platform.gateway, address);
    const refused = await ask(platform.gateway, address, { cost: true });
    expect(refused.status).toBe(429);
    expect(refused.body.extensions?.cost).toMatchObject({ requestedQueryCost: LISTING_COST, currentlyAvailable: 0 });
  });

  it('spends nothing on an operation refused before it would run: invalid, or above MAX_QUERY_COST', async () => {
    const address = clientAddress();
    const invalid = await ask(platform.gateway, address, { query: '{ products(first: 9) { nope } }' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('ratelimit-remaining')).toBeNull();
    const tooExpensive = await ask(platform.gateway, address, { query: '{ products(first: 100) { edges { node { id } } } }' });
    expect(tooExpensive.status).toBe(400);
    expect(tooExpensive.body.errors?.[0]?.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
    expect(tooExpensive.headers.get('ratelimit-remaining')).toBeNull();

    const first = await ask(platform.gateway, address);
    expect(first.headers.get('ratelimit-remaining')).toBe(String(ANONYMOUS_CAPACITY - LISTING_COST));
  });

  it('serves operations unmetered when Redis is down, and counts them', async () => {
    const client = new GraphQLTestClient(redisDown.graphqlUrl);
    const address = clientAddress();
    for (let i = 0; i < ANONYMOUS_CAPACITY / LISTING_COST + 3; i += 1) {
      const answer = await ask(client, address);
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.headers.get('ratelimit-remaining')).toBeNull();
    }
    const metrics = await (await fetch(`${redisDown.internalUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_budget_decisions_total\{class="anonymous",outcome="unchecked",service="gateway"\} 13/);
  });
});
