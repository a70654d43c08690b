import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { accessTokenEnvironment, accessTokenSettings, ConfigError, databaseUrl, DEFAULT_POSTGRES_URL, defaultPostgresUrl, env, loadConfig, serviceEnvironment, serviceRules, serviceSettings } from './load-config.ts';

const schema = z.object({ PORT: env.port(4000), LOG_PRETTY: env.boolean(false), SECRET: env.optionalString() });

describe('loadConfig', () => {
  it('applies working defaults and types the result', () => {
    expect(loadConfig('svc', schema, {})).toEqual({ PORT: 4000, LOG_PRETTY: false, SECRET: null });
    expect(loadConfig('svc', schema, { PORT: '5000', LOG_PRETTY: 'true', SECRET: 's' })).toEqual({ PORT: 5000, LOG_PRETTY: true, SECRET: 's' });
  });

  it('reports every problem at once, naming the variable', () => {
    try {
      loadConfig('svc', schema, { PORT: 'eighty', LOG_PRETTY: 'maybe' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(2);
      expect(problems.join('\n')).toMatch(/PORT/);
      expect(problems.join('\n')).toMatch(/LOG_PRETTY/);
    }
  });

  it('builds database URLs on a server', () => {
    expect(databaseUrl('postgresql://postgres@127.0.0.1:5432', 'shop_users')).toBe('postgresql://postgres@127.0.0.1:5432/shop_users');
    expect(databaseUrl('postgresql://postgres@localhost:5432/postgres?host=/var/run/postgresql', 'shop_users')).toBe('postgresql://postgres@localhost:5432/shop_users?host=/var/run/postgresql');
  });

  it('defaults the scripts and tests to the local socket when the host has one, else to loopback TCP', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pg-socket-'));
    try {
      expect(defaultPostgresUrl(dir)).toBe(DEFAULT_POSTGRES_URL);
      writeFileSync(path.join(dir, '.s.PGSQL.5432'), '');
      expect(defaultPostgresUrl(dir)).toBe(`postgresql://postgres@localhost:5432/postgres?host=${dir}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('access-token settings', () => {
  const schema = z.object({ REDIS_URL: z.string(), ...accessTokenEnvironment() });
  const settings = (values: Record<string, string>, ttlSeconds?: number) =>
    accessTokenSettings(loadConfig('svc', schema, { REDIS_URL: 'redis://r:6379/0', ...values }), ttlSeconds);

  it('defaults the age limit to the token lifetime plus the skew, and keeps records past both', () => {
    expect(settings({})).toEqual({
      tokenPolicy: { clockSkewSeconds: 30, maxTokenAgeSeconds: 930 },
      sessionRevocations: { redis: { url: 'redis://r:6379/0', keyPrefix: 'shop:sessions:' }, checkIntervalMs: 2000, retentionSeconds: 990 },
    });
    expect(settings({ TOKEN_CLOCK_SKEW_SECONDS: '5' }, 1800).tokenPolicy).toEqual({ clockSkewSeconds: 5, maxTokenAgeSeconds: 1805 });
  });

  it('takes an explicit age limit and refuses nonsense', () => {
    expect(settings({ ACCESS_TOKEN_MAX_AGE_SECONDS: '600' }).sessionRevocations.retentionSeconds).toBe(660);
    expect(() => settings({ TOKEN_CLOCK_SKEW_SECONDS: '3600', SESSION_CHECK_INTERVAL_MS: '0' })).toThrow(/TOKEN_CLOCK_SKEW_SECONDS[\s\S]*SESSION_CHECK_INTERVAL_MS/);
  });
});

describe('the service variables every process reads', () => {
  const schema = z.object(serviceEnvironment(4000)).superRefine(serviceRules).transform(serviceSettings);
  const load = (values: Record<string, string>) => loadConfig('svc', schema, values);
  const problemsOf = (values: Record<string, string>) => {
    try {
      load(values);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
  };
  const secret = 's'.repeat(32);

  it('put the internal listener at PORT + 5000 unless told, and on a free port with PORT=0', () => {
    expect(load({})).toMatchObject({ port: 4000, internalPort: 9000, headersTimeoutMs: 5000, requestTimeoutMs: 10000 });
    expect(load({ PORT: '4300' }).internalPort).toBe(9300);
    expect(load({ PORT: '0' }).internalPort).toBe(0);
    expect(load({ PORT: '4300', INTERNAL_PORT: '9999' }).internalPort).toBe(9999);
    expect(problemsOf({ PORT: '61000' })).toEqual([expect.stringMatching(/^INTERNAL_PORT: /)]);
    expect(problemsOf({ PORT: '4300', INTERNAL_PORT: '4300' })).toEqual(['INTERNAL_PORT: must differ from PORT']);
  });

  it('require signing secrets in production, each long enough, and read them as a list (the first signs)', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['GATEWAY_SIGNING_SECRETS: is required when NODE_ENV=production']);
    expect(problemsOf({ GATEWAY_SIGNING_SECRETS: 'short' })[0]).toMatch(/GATEWAY_SIGNING_SECRETS.*32 characters/);
    expect(load({ NODE_ENV: 'production', GATEWAY_SIGNING_SECRETS: ` ${secret}, ${'t'.repeat(40)} ` }).gatewaySigning.secrets).toEqual([secret, 't'.repeat(40)]);
    expect(load({}).gatewaySigning).toMatchObject({ secrets: null, maxAgeSeconds: 30 });
  });

  it('refuse a headers timeout longer than the request timeout (Node would not start)', () => {
    expect(problemsOf({ HEADERS_TIMEOUT_MS: '20000' })).toEqual(['HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS']);
  });

  it('read the known operation names as GraphQL names', () => {
    expect(load({ METRICS_KNOWN_OPERATIONS: 'ProductListing, Me' }).metrics).toEqual({ knownOperations: ['ProductListing', 'Me'], maxFirstSeenOperations: 20 });
    expect(problemsOf({ METRICS_KNOWN_OPERATIONS: 'not a name' })[0]).toMatch(/METRICS_KNOWN_OPERATIONS/);
  });
});
