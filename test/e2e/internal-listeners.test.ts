import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWKS_PATH } from '../../platform/auth/access-token.ts';
import { SUBGRAPH_NAMES, TOKEN_ISSUER } from '../../subgraphs/registry.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Every process answers the public internet only what it must: GraphQL, and whether it is ready.
 * Metrics, which checks failed and why, and the users subgraph's keys live on its internal
 * listener, which only the cluster reaches. Metrics stay small however many operation names
 * clients invent.
 */
let platform: TestPlatform;
const KNOWN = 'StorefrontCategories';

beforeAll(async () => {
  const known = { METRICS_KNOWN_OPERATIONS: KNOWN };
  platform = await bootPlatform({ env: { gateway: known, catalog: known } });
});
afterAll(async () => {
  await platform?.close();
});

const listeners = () => [
  { name: 'gateway', publicUrl: platform.gatewayServer.url, internalUrl: platform.gatewayServer.internalUrl },
  ...SUBGRAPH_NAMES.map((name) => ({ name, publicUrl: platform.subgraphs[name].url, internalUrl: platform.subgraphs[name].internalUrl })),
];

async function metricsOf(internalUrl: string): Promise<{ size: number; operations: Set<string>; text: string }> {
  const text = await (await fetch(`${internalUrl}/metrics`)).text();
  const operations = new Set([...text.matchAll(/^graphql_operations_total\{[^}]*operation="([^"]*)"/gm)].map((match) => match[1] ?? ''));
  return { size: Buffer.byteLength(text), operations, text };
}

describe('public and internal listeners', () => {
  it('serve /metrics and readiness details only on the internal listener', async () => {
    for (const { name, publicUrl, internalUrl } of listeners()) {
      expect(new URL(publicUrl).port, name).not.toBe(new URL(internalUrl).port);
      expect((await fetch(`${publicUrl}/metrics`)).status, name).toBe(404);
      const internal = await fetch(`${internalUrl}/metrics`);
      expect(internal.status, name).toBe(200);
      expect(await internal.text(), name).toMatch(/^process_cpu_seconds_total\{[^}]*\} [0-9.e+-]+$/m);

      const publicReady = await fetch(`${publicUrl}/health/ready`);
      expect(publicReady.status, name).toBe(200);
      expect(await publicReady.json(), name).toEqual({ status: 'ok' });
      const internalReady = (await (await fetch(`${internalUrl}/health/ready`)).json()) as { status: string; checks: { name: string; ok: boolean }[] };
      expect(internalReady.status, name).toBe('ok');
      expect(internalReady.checks.length, name).toBeGreaterThan(0);
      expect(internalReady.checks.every((check) => check.ok), name).toBe(true);
      expect((await fetch(`${publicUrl}/health/live`)).status, name).toBe(200);
    }
  });

  it('publish the access-token keys on the issuer’s internal listener only', async () => {
    const issuer = platform.subgraphs[TOKEN_ISSUER];
    expect((await fetch(`${issuer.url}${JWKS_PATH}`)).status).toBe(404);
    const keys = (await (await fetch(`${issuer.internalUrl}${JWKS_PATH}`)).json()) as { keys: { kid: string }[] };
    expect(keys.keys.map((key) => key.kid)).toContain(platform.tokens.kid);
  });
});

describe('operation metrics', () => {
  it('stay bounded after 2,000 unique operation names, and keep the configured ones', { timeout: 60_000 }, async () => {
    const names = Array.from({ length: 2_000 }, (_, i) => `Invented${i}`);
    const catalog = platform.subgraphClient('catalog');
    for (let start = 0; start < names.length; start += 25) {
      const batch = names.slice(start, start + 25);
      const replies = await Promise.all([
        ...batch.map((name) => platform.gateway.request(`query ${name} { __typename }`)),
        ...batch.map((name) => catalog.request(`query ${name} { __typename }`)),
      ]);
      for (const reply of replies) expect(reply.status).toBe(200);
    }
    // A configured name keeps its label at the gateway, and at the catalog, which sees it as `<name>__catalog__0`.
    expect((await platform.gateway.request(`query ${KNOWN} { categories { id } }`)).body.errors).toBeUndefined();

    for (const { name, internalUrl } of [listeners()[0]!, ...listeners().filter((listener) => listener.name === 'catalog')]) {
      const metrics = await metricsOf(internalUrl);
      // Known names, at most 20 first-seen ones, `other` (and `anonymous` for unnamed operations).
      expect(metrics.operations.size, name).toBeLessThanOrEqual(1 + 20 + 2);
      expect(metrics.operations.has('other'), name).toBe(true);
      expect(metrics.operations.has(KNOWN), name).toBe(true);
      expect(metrics.operations.has('Invented1999'), name).toBe(false);
      // Unbounded, 2,000 names came to megabytes.
      expect(metrics.size, name).toBeLessThan(128 * 1024);
    }
  });
});
