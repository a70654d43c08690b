import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { accessTokenEnvironment, accessTokenSettings, ConfigError, databaseUrl, env, loadConfig } from './load-config.ts';

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
