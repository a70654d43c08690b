import { request as httpRequest } from 'node:http';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test/support/wait.ts';
import { subgraphHealthUrl } from './app.ts';
import { postGraphQL, startToyGateway, startToySubgraphs, TOY_USERS, type ToyGateway, type ToySubgraphs } from './testing/toy-platform.ts';

const ada = TOY_USERS[0]!;

function nested(field: string, depth: number, leaf: string): string {
  return depth === 0 ? leaf : `${field} { ${nested(field, depth - 1, leaf)} }`;
}

/** Anything a client must never see: stack traces, SQL, addresses, which subgraph answered. */
function leaksInternals(body: unknown): boolean {
  return /stacktrace|serviceName|\.ts:\d+|SELECT |ECONNREFUSED|10\.0\.0\.7|"response"|accounts|shelf/i.test(JSON.stringify(body));
}

describe('gateway over toy subgraphs', () => {
  let toys: ToySubgraphs;
  let gw: ToyGateway;
  let url: string;

  beforeAll(async () => {
    toys = await startToySubgraphs();
    gw = await startToyGateway(toys);
    url = gw.gateway.graphqlUrl;
  });
  afterAll(async () => {
    await gw?.close();
    await toys?.close();
  });

  it('plans one query across both subgraphs', async () => {
    const response = await postGraphQL(url, { query: '{ products { id name vendor { id name } } }' });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({
      products: [
        { id: 'p1', name: 'Product 1', vendor: { id: ada.id, name: 'Ada' } },
        { id: 'p2', name: 'Product 2', vendor: { id: TOY_USERS[1]!.id, name: 'Grace' } },
      ],
    });
  });

  it('forwards the request id, client address and token to subgraphs and echoes the id', async () => {
    const token = await toys.signToken({ sub: ada.id, role: 'CUSTOMER' });
    const response = await postGraphQL(
      url,
      { query: '{ echo { requestId clientIp viewerId sawToken } me { name } }' },
      { 'x-request-id': 'trace-abc-123', authorization: `Bearer ${token}`, 'x-client-ip': '203.0.113.9' },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(response.body.data).toEqual({
      // The gateway is the edge: a caller cannot choose the address subgraphs rate-limit on.
      echo: { requestId: 'trace-abc-123', clientIp: '127.0.0.1', viewerId: ada.id, sawToken: true },
      me: { name: 'Ada' },
    });
  });

  it('makes a request id when the caller sends none (or an unsafe one) and uses the same id downstream', async () => {
    for (const headers of [{}, { 'x-request-id': 'bad id with spaces' }] as Record<string, string>[]) {
      const response = await postGraphQL(url, { query: '{ echo { requestId sawToken } }' }, headers);
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.body.data).toEqual({ echo: { requestId: id, sawToken: false } });
    }
  });

  it('refuses bad tokens with 401 UNAUTHENTICATED and a clear message', async () => {
    const expired = await toys.signToken({ sub: ada.id, role: 'CUSTOMER' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const foreign = await toys.signToken({ sub: ada.id, role: 'ADMIN' }, { foreign: true });
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const algNone = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: ada.id, role: 'ADMIN', iss: 'shop-users', aud: 'shop-api', exp: now + 300 })}.`;
    const cases = [
      { token: expired, message: /expired/ },
      { token: foreign, message: /not valid/ },
      { token: algNone, message: /not valid/ },
      { token: 'garbage', message: /not valid/ },
    ];
    for (const { token, message } of cases) {
      const response = await postGraphQL(url, { query: '{ echo { requestId } }' }, { authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(response.body.errors?.[0]?.message).toMatch(message);
      expect(response.headers.get('x-request-id')).toBeTruthy();
    }
  });

  it('keeps subgraph error codes and masks unexpected subgraph errors', async () => {
    const response = await postGraphQL(url, { query: '{ me { id } forbiddenThing brokenThing }' });
    expect(response.status).toBe(200);
    const byPath = Object.fromEntries((response.body.errors ?? []).map((e) => [String((e as { path?: string[] }).path?.[0]), e]));
    expect(byPath.me?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(byPath.forbiddenThing?.extensions?.code).toBe('FORBIDDEN');
    expect(byPath.forbiddenThing?.message).toBe('Only admins may see this.');
    expect(byPath.brokenThing?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(leaksInternals(response.body)).toBe(false);
  });

  it('refuses a 50-level deep document with QUERY_TOO_DEEP before anything runs', async () => {
    const response = await postGraphQL(url, { query: `mutation Deep { ${nested('bump', 1, nested('next', 49, 'level'))} }` });
    expect(response.status).toBe(400);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(response.body.errors?.[0]?.message).toBe('Operation "Deep" is nested 51 levels deep; the limit is 12.');
    expect(leaksInternals(response.body)).toBe(false);
    expect(toys.bumps()).toBe(0);
    // Depth through fragments counts too.
    const viaFragments = await postGraphQL(url, {
      query: `query { chain { ...A } } fragment A on Chain { next { next { next { ...B } } } } fragment B on Chain { ${nested('next', 10, 'level')} }`,
    });
    expect(viaFragments.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    const atLimit = await postGraphQL(url, { query: `{ ${nested('chain', 1, nested('next', 10, 'level'))} }` });
    expect(atLimit.body.errors).toBeUndefined();
  });

  it('refuses too many aliases with TOO_MANY_ALIASES', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: bumps`).join(' ');
    const response = await postGraphQL(url, { query: `{ ${aliases} }` });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ALIASES');
    expect(response.body.errors?.[0]?.message).toMatch(/31 aliases; the limit is 30/);
    const fine = await postGraphQL(url, { query: `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: bumps`).join(' ')} }` });
    expect(fine.body.errors).toBeUndefined();
  });

  it('answers 413 REQUEST_TOO_LARGE for a 1 MB body and 400 for invalid JSON', async () => {
    const big = await postGraphQL(url, { query: `{ bumps }# ${'x'.repeat(1024 * 1024)}` });
    expect(big.status).toBe(413);
    expect(big.body.errors?.[0]?.extensions?.code).toBe('REQUEST_TOO_LARGE');
    const invalid = await postGraphQL(url, '{"query": "{ bumps }"', {});
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('serves queries over GET (with a CSRF preflight header), but no mutations', async () => {
    const get = (query: string, headers: Record<string, string>) =>
      fetch(`${url}?query=${encodeURIComponent(query)}`, { headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } }));
    const ok = await get('{ bumps }', { 'apollo-require-preflight': 'true' });
    expect(ok).toEqual({ status: 200, body: { data: { bumps: 0 } } });
    const csrf = await get('{ bumps }', {});
    expect(csrf.status).toBe(400);
    const mutation = await get('mutation { bump { level } }', { 'apollo-require-preflight': 'true' });
    expect(mutation.status).toBe(405);
    expect(toys.bumps()).toBe(0);
  });

  it('refuses introspection outside development, without schema hints', async () => {
    const response = await postGraphQL(url, { query: '{ __schema { queryType { name } } }' });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await postGraphQL(url, { query: '{ product { id } }' });
    expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean/);
  });

  it('reports ready only while every subgraph is ready, and exposes metrics', async () => {
    const ready = await fetch(`${gw.gateway.internalUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: [
        { name: 'subgraph:accounts', ok: true },
        { name: 'subgraph:shelf', ok: true },
      ],
    });
    expect((await fetch(`${gw.gateway.url}/health/live`)).status).toBe(200);
    // One fetch of each outcome, so the counters below exist whatever ran before.
    await postGraphQL(gw.gateway.graphqlUrl, { query: '{ products { id } }' });
    await postGraphQL(gw.gateway.graphqlUrl, { query: '{ me { id } }' });
    const metrics = await (await fetch(`${gw.gateway.internalUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_subgraph_fetches_total\{subgraph="shelf",outcome="ok",service="gateway"\} [1-9]/);
    expect(metrics).toMatch(/gateway_subgraph_fetches_total\{subgraph="accounts",outcome="graphql_errors",service="gateway"\} [1-9]/);
    expect(metrics).toMatch(/graphql_operations_total/);
  });

  it('derives a subgraph health URL from its GraphQL URL', () => {
    expect(subgraphHealthUrl('http://127.0.0.1:4001/graphql')).toBe('http://127.0.0.1:4001/health/ready');
    expect(subgraphHealthUrl('https://svc.internal/api/graphql/')).toBe('https://svc.internal/api/health/ready');
  });
});

describe('gateway instances and lifecycle', () => {
  let toys: ToySubgraphs;
  beforeAll(async () => {
    toys = await startToySubgraphs();
  });
  afterAll(async () => {
    await toys?.close();
  });

  it('runs a production and a development instance side by side; only development introspects and shows Sandbox', async () => {
    const production = await startToyGateway(toys, { NODE_ENV: 'production' });
    const development = await startToyGateway(toys, { NODE_ENV: 'development' });
    try {
      expect(production.gateway.port).not.toBe(development.gateway.port);
      const refused = await postGraphQL(production.gateway.graphqlUrl, { query: getIntrospectionQuery() });
      expect(refused.body.errors?.[0]?.message).toMatch(/introspection is not allowed/);
      const allowed = await postGraphQL(development.gateway.graphqlUrl, { query: getIntrospectionQuery() });
      expect(allowed.body.errors).toBeUndefined();
      expect(JSON.stringify(allowed.body.data)).toContain('"Product"');
      // Outside introspection the normal depth limit still applies in development.
      const deep = await postGraphQL(development.gateway.graphqlUrl, { query: `{ ${nested('chain', 1, nested('next', 14, 'level'))} }` });
      expect(deep.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');

      const page = (gw: ToyGateway) => fetch(gw.gateway.graphqlUrl, { headers: { accept: 'text/html' } });
      const devPage = await page(development);
      expect(devPage.status).toBe(200);
      expect(await devPage.text()).toMatch(/sandbox/i);
      expect((await page(production)).status).not.toBe(200);
    } finally {
      await production.close();
      await development.close();
    }
  });

  it('refuses to start when a URL override names a subgraph the supergraph does not have', async () => {
    await expect(startToyGateway(toys, { SUBGRAPH_URL_SHELFF: 'http://127.0.0.1:9/graphql' })).rejects.toThrow(
      'URL overrides name subgraphs the supergraph does not have: shelff (it has accounts, shelf).',
    );
  });

  it('is not ready while a subgraph is down', async () => {
    const gw = await startToyGateway(toys, { SUBGRAPH_URL_SHELF: 'http://127.0.0.1:9/graphql' });
    try {
      const ready = await fetch(`${gw.gateway.internalUrl}/health/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: { name: string; ok: boolean }[] };
      expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
        ['subgraph:accounts', true],
        ['subgraph:shelf', false],
      ]);
      // A query touching the dead subgraph fails cleanly, without naming addresses or errno codes.
      const response = await postGraphQL(gw.gateway.graphqlUrl, { query: '{ bumps }' });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(leaksInternals(response.body)).toBe(false);
      // A mutation that could not even connect certainly did not run: an ordinary failure, not OUTCOME_UNKNOWN.
      const mutation = await postGraphQL(gw.gateway.graphqlUrl, { query: 'mutation { bump { level } }' });
      expect(mutation.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await gw.close();
    }
  });

  it('finishes in-flight requests on shutdown while refusing new connections', async () => {
    const gw = await startToyGateway(toys);
    const entered = toys.slowGate.entered;
    const inFlight = postGraphQL(gw.gateway.graphqlUrl, { query: '{ slow }' });
    await waitFor('the slow request to reach the subgraph', () => toys.slowGate.entered > entered);
    const closing = gw.close();
    await waitFor('the gateway to stop accepting', () => !gw.gateway.server.listening);
    const refused = await new Promise<string>((resolve) => {
      const req = httpRequest(gw.gateway.graphqlUrl, { method: 'POST', agent: false }, () => resolve('answered'));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      req.end('{}');
    });
    expect(refused).toBe('ECONNREFUSED');
    toys.slowGate.release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ slow: 'done' });
    await closing;
  });
});
