import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/app.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { composeSubgraphs } from '../../scripts/compose.ts';
import { GraphQLTestClient, leaksInternals } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * What the endpoint answers to requests that are well-formed JSON but cannot run as sent: clear
 * 400s instead of 500s, and no schema hints ("Did you mean …?") outside development.
 */

let platform: TestPlatform;
let dir: string;
const gateways: Partial<Record<'production' | 'development', RunningGateway>> = {};
const clients = {} as Record<'production' | 'development', GraphQLTestClient>;

beforeAll(async () => {
  platform = await bootPlatform();
  dir = mkdtempSync(path.join(tmpdir(), 'protocol-e2e-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  writeFileSync(
    supergraphPath,
    await composeSubgraphs(Object.fromEntries(Object.entries(platform.subgraphs).map(([name, running]) => [name, running.graphqlUrl]))),
  );
  for (const nodeEnv of ['production', 'development'] as const) {
    const gateway = await startGateway(
      loadGatewayConfig({ NODE_ENV: nodeEnv, HOST: '127.0.0.1', PORT: '0', SUPERGRAPH_PATH: supergraphPath, JWKS_URL: platform.jwksUrl, ...platform.signing.env }),
      createLogger({ service: `protocol-e2e-${nodeEnv}`, level: 'silent', pretty: false }),
    );
    gateways[nodeEnv] = gateway;
    clients[nodeEnv] = new GraphQLTestClient(gateway.graphqlUrl);
  }
});
afterAll(async () => {
  for (const gateway of Object.values(gateways)) await gateway.close();
  await platform?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('requests that cannot run as sent', () => {
  it('answers an operationName the document does not hold with 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const response = await platform.gateway.send(JSON.stringify({ query: 'query A { categories { id } }', operationName: 'B' }));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errors: [{ message: 'The document has no operation named "B".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }],
    });
  });

  it('answers a document of several operations without an operationName with 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const response = await platform.gateway.send(JSON.stringify({ query: 'query A { categories { id } } query B { me { id } }' }));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })]);
    const named = await platform.gateway.send(JSON.stringify({ query: 'query A { categories { id } } query B { me { id } }', operationName: 'B' }));
    expect(named.body).toEqual({ data: { me: null } });
  });

  it('answers a subscription sent over HTTP with 400 SUBSCRIPTION_OVER_HTTP', async () => {
    const response = await platform.gateway.request('subscription Updates { orderStatusChanged { id } }');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errors: [{ message: 'Subscriptions are not served over HTTP requests.', extensions: { code: 'SUBSCRIPTION_OVER_HTTP' } }],
    });
  });
});

describe('schema hints', () => {
  const typos: [string, string, Record<string, unknown>][] = [
    ['an enum value in a variable', 'query ($sort: ProductSort) { products(sort: $sort) { totalCount } }', { sort: 'NEWES' }],
    ['an input field in a variable', 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }', { input: { emial: 'a@example.com', password: 'x', name: 'y' } }],
    ['a field in the document', '{ categorie { id } }', {}],
    ['an argument in the document', '{ products(frist: 2) { totalCount } }', {}],
  ];

  it.each(typos)('are not given for %s in production', async (_case, query, variables) => {
    const response = await clients.production.request(query, variables);
    expect(response.status).toBe(400);
    expect(response.body.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(response.body)).not.toMatch(/Did you mean|NEWEST|categories|first/);
    expect(leaksInternals(response.body)).toBe(false);
  });

  it('are given in development, where the schema is open anyway', async () => {
    const response = await clients.development.request(typos[0]![1], typos[0]![2]);
    expect(response.body.errors?.[0]?.message).toMatch(/Did you mean the enum value "NEWEST"\?$/);
  });

  it('are never given by a subgraph called directly', async () => {
    const users = await platform.subgraphClient('users').request(typos[1]![1], typos[1]![2]);
    const catalog = await platform.subgraphClient('catalog').request(typos[0]![1], typos[0]![2]);
    for (const response of [users, catalog]) {
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(response.body)).not.toMatch(/Did you mean/);
    }
  });
});
