import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/app.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { composeSubgraphs } from '../../scripts/compose.ts';
import { SUBGRAPH_NAMES } from '../../subgraphs/registry.ts';
import { GraphQLTestClient, leaksInternals } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

/** A pass-through in front of a subgraph that remembers the headers the gateway sent it. */
async function recordingProxy(target: string): Promise<{ url: string; seen: Record<string, string | undefined>[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const seen: Record<string, string | undefined>[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ requestId: req.headers['x-request-id'] as string | undefined, authorization: req.headers.authorization });
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const nested = (field: string, depth: number, leaf: string): string => (depth === 0 ? leaf : `${field} { ${nested(field, depth - 1, leaf)} }`);

describe('gateway at the edge', () => {
  let platform: TestPlatform;
  let production: RunningGateway;
  let proxies: Awaited<ReturnType<typeof recordingProxy>>[];
  let dir: string;

  beforeAll(async () => {
    platform = await bootPlatform();
    proxies = [await recordingProxy(platform.subgraphs.users.graphqlUrl), await recordingProxy(platform.subgraphs.catalog.graphqlUrl)];
    // A second instance beside the platform's: production settings, subgraphs seen through recording proxies.
    dir = mkdtempSync(path.join(tmpdir(), 'gateway-e2e-'));
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, await composeSubgraphs());
    production = await startGateway(
      loadGatewayConfig({
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        SUPERGRAPH_PATH: supergraphPath,
        JWKS_URL: platform.jwksUrl,
        SUBGRAPH_URL_USERS: proxies[0]!.url,
        SUBGRAPH_URL_CATALOG: proxies[1]!.url,
        ...platform.signing.env,
      }),
      createLogger({ service: 'gateway-e2e', level: 'silent', pretty: false }),
    );
  });
  afterAll(async () => {
    await production?.close();
    for (const proxy of proxies ?? []) await proxy.close();
    await platform?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a 50-level deep document with QUERY_TOO_DEEP and runs none of it', async () => {
    const email = `deep-${randomUUID().slice(0, 8)}@example.com`;
    const input = `input: { email: "${email}", password: "Correct-Horse-9", name: "Deep Diver" }`;
    const signUp = `signUp(${input}) { userErrors { code } }`;
    const deep = `signUp(${input}) { user { vendor { products { edges { node { category { ${nested('parent', 44, 'id')} } } } } } } }`;
    const response = await platform.gateway.request(`mutation Deep { ${deep} }`);
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([
      expect.objectContaining({ message: 'Operation "Deep" is nested 52 levels deep; the limit is 12.', extensions: { code: 'QUERY_TOO_DEEP' } }),
    ]);
    expect(leaksInternals(response.body)).toBe(false);
    // Nothing ran: the account the refused document would have opened does not exist yet.
    const again = await platform.gateway.data<{ signUp: { userErrors: { code: string }[] } }>(`mutation { ${signUp} }`);
    expect(again.signUp.userErrors).toEqual([]);
  });

  it('answers 413 REQUEST_TOO_LARGE to a 1 MB query and 400 to invalid JSON', async () => {
    const big = await platform.gateway.send(JSON.stringify({ query: `{ categories { id } }\n#${'x'.repeat(1024 * 1024)}` }));
    expect(big.status).toBe(413);
    expect(big.body.errors?.[0]?.extensions?.code).toBe('REQUEST_TOO_LARGE');
    const invalid = await platform.gateway.send('{"query": "{ categories { id } }"');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(leaksInternals(invalid.body)).toBe(false);
  });

  it('forwards the request id and token to every subgraph it calls and echoes the id back', async () => {
    const token = await platform.signAccessToken({ sub: randomUUID(), role: 'CUSTOMER' });
    const requestId = `e2e-${randomUUID()}`;
    const client = new GraphQLTestClient(production.graphqlUrl);
    const response = await client.request('{ me { id } categories { id } }', undefined, { token, headers: { 'x-request-id': requestId } });
    expect(response.body.errors).toBeUndefined();
    expect(response.headers.get('x-request-id')).toBe(requestId);
    for (const proxy of proxies) {
      expect(proxy.seen.filter((h) => h.requestId === requestId)).toEqual([{ requestId, authorization: `Bearer ${token}` }]);
    }
    const generated = await platform.gateway.request('{ categories { id } }');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses bad tokens at the edge with 401 UNAUTHENTICATED', async () => {
    const foreign = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' }, { foreign: true });
    const expired = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' }, { expiresIn: Math.floor(Date.now() / 1000) - 10 });
    for (const token of [foreign, expired, 'not-a-jwt']) {
      const response = await platform.gateway.request('{ categories { id } }', undefined, { token });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers /health/ready and /metrics on its internal listener', async () => {
    const base = platform.gatewayServer.internalUrl;
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    const checks = ((await ready.json()) as { checks: { name: string; ok: boolean }[] }).checks;
    // One check per subgraph of the registry, so a new subgraph needs no edit here.
    expect([...checks].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [...SUBGRAPH_NAMES].sort().map((name) => ({ name: `subgraph:${name}`, ok: true })),
    );
    await platform.gateway.data('{ products(first: 1) { totalCount } }');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/gateway_subgraph_fetches_total\{subgraph="catalog",outcome="ok",service="gateway"\} [1-9]/);
    expect(metrics).toMatch(/graphql_operations_total\{/);
  });

  it('answers an entity another subgraph cannot resolve with an error at its path, not a silent null', async () => {
    // A product whose vendor the users subgraph does not know: only an admin can create one.
    const adminToken = await platform.signAccessToken({ sub: randomUUID(), role: 'ADMIN' });
    const created = await platform.gateway.data<{ createProduct: { product: { id: string } } }>(
      `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }`,
      {
        input: {
          vendorId: randomUUID(),
          name: `Orphan Lamp ${randomUUID().slice(0, 8)}`,
          variants: [{ sku: `ORPHAN-${randomUUID().slice(0, 8)}`, price: { amount: 1000, currency: 'EUR' } }],
        },
      },
      { token: adminToken },
    );
    const response = await platform.gateway.request<{ product: null }>(`query ($id: ID!) { product(id: $id) { name vendor { name } } }`, {
      id: created.createProduct.product.id,
    }, { token: adminToken });
    expect(response.body.data).toEqual({ product: null });
    expect(response.body.errors).toEqual([
      expect.objectContaining({ path: ['product', 'vendor', 'name'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ]);
    expect(response.body).not.toHaveProperty('extensions.valueCompletion');
    expect(leaksInternals(response.body)).toBe(false);
  });

  it('has no introspection in production', async () => {
    const client = new GraphQLTestClient(production.graphqlUrl);
    const response = await client.request(getIntrospectionQuery());
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.body.errors?.[0]?.message).toMatch(/introspection is not allowed/);
    const typo = await client.request('{ categorie { id } }');
    expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean/);
  });
});
