import { describe, expect, it } from 'vitest';
import { ConfigError } from '../platform/config/load-config.ts';
import { applyApolloTelemetryChoice, loadGatewayConfig } from './config.ts';

describe('gateway config', () => {
  it('has working local defaults', () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      nodeEnv: 'development',
      internalPort: 9000,
      jwksUrl: 'http://127.0.0.1:9001/.well-known/jwks.json',
      maxQueryDepth: 12,
      maxAliases: 30,
      maxBodyBytes: 65536,
      subgraphUrls: {},
      workers: 1,
      apolloTelemetry: false,
      introspection: true,
      landingPage: true,
    });
    expect(config.supergraphPath).toMatch(/supergraph\.graphql$/);
    // The same token checks and list of ended sessions as every subgraph.
    expect(config.tokenPolicy).toEqual({ clockSkewSeconds: 30, maxTokenAgeSeconds: 930 });
    expect(config.sessionRevocations).toMatchObject({ redis: { url: 'redis://127.0.0.1:6379/0', keyPrefix: 'shop:sessions:' }, checkIntervalMs: 2000 });
  });

  it('collects SUBGRAPH_URL_<NAME> overrides by lowercase name', () => {
    const config = loadGatewayConfig({
      SUBGRAPH_URL_USERS: 'http://127.0.0.1:5001/graphql',
      SUBGRAPH_URL_CATALOG: 'http://10.0.0.2:4002/graphql',
      NODE_ENV: 'production',
      GATEWAY_SIGNING_SECRETS: 'a'.repeat(32),
    });
    expect(config.subgraphUrls).toEqual({ users: 'http://127.0.0.1:5001/graphql', catalog: 'http://10.0.0.2:4002/graphql' });
    expect(config.introspection).toBe(false);
    expect(config.landingPage).toBe(false);
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      loadGatewayConfig({ PORT: 'x', MAX_QUERY_DEPTH: '0', SUBGRAPH_URL_USERS: 'not a url', 'SUBGRAPH_URL_': 'http://a/graphql' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of ['PORT', 'MAX_QUERY_DEPTH', 'SUBGRAPH_URL_USERS', 'SUBGRAPH_URL_:']) expect(problems).toContain(key);
  });

  it('switches Apollo telemetry off unless the operator opts in, whatever the environment said', () => {
    const environment: Record<string, string | undefined> = {};
    applyApolloTelemetryChoice(loadGatewayConfig({}), environment);
    expect(environment).toEqual({ APOLLO_TELEMETRY_DISABLED: '1' });

    const optedIn = loadGatewayConfig({ GATEWAY_APOLLO_TELEMETRY: 'true' });
    expect(optedIn.apolloTelemetry).toBe(true);
    applyApolloTelemetryChoice(optedIn, environment);
    expect(environment).toEqual({});

    const image = { APOLLO_TELEMETRY_DISABLED: '0' };
    applyApolloTelemetryChoice(loadGatewayConfig({ GATEWAY_APOLLO_TELEMETRY: 'false' }), image);
    expect(image).toEqual({ APOLLO_TELEMETRY_DISABLED: '1' });
  });
});
