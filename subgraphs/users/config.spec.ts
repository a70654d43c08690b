import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/load-config.ts';
import { loadUsersConfig } from './config.ts';

describe('users config', () => {
  it('requires both keys in production and reports both at once', () => {
    try {
      loadUsersConfig({ NODE_ENV: 'production' });
      expect.unreachable('production without keys must fail');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        expect.stringContaining('GATEWAY_SIGNING_SECRETS'),
        expect.stringContaining('JWT_PRIVATE_JWK'),
        expect.stringContaining('PII_ENCRYPTION_KEY'),
      ]);
    }
  });

  it('refuses malformed keys', () => {
    expect(() => loadUsersConfig({ JWT_PRIVATE_JWK: '{"kty":"RSA"}' })).toThrow(/JWT_PRIVATE_JWK/);
    expect(() => loadUsersConfig({ PII_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/PII_ENCRYPTION_KEY/);
  });

  it('has working local defaults: the common subgraph settings plus its own', () => {
    const config = loadUsersConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4001,
      nodeEnv: 'development',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/shop_users',
      databasePoolSize: 10,
      redis: { url: 'redis://127.0.0.1:6379/0', keyPrefix: 'shop:users:' },
      vendorCacheTtlSeconds: 60,
      tokens: { accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 2_592_000 },
      loginLimits: {
        failuresBeforeDelay: 3,
        baseDelaySeconds: 2,
        maxDelaySeconds: 900,
        maxFailuresPerIp: 30,
        ipWindowSeconds: 900,
        maxFailuresPerAccount: 100,
        accountWindowSeconds: 3600,
      },
      signUpLimits: { maxPerIp: 20, ipWindowSeconds: 3600 },
    });
    expect(config).not.toHaveProperty('jwksUrl');
    expect(config.tokenPolicy).toEqual({ clockSkewSeconds: 30, maxTokenAgeSeconds: 930 });
    expect(config.sessionRevocations.redis).toEqual({ url: 'redis://127.0.0.1:6379/0', keyPrefix: 'shop:sessions:' });
    expect(config.secrets.devSecretsDir).toMatch(/\.dev-secrets$/);
  });

  it('ties the token age limit to the lifetime of the tokens it signs', () => {
    expect(loadUsersConfig({ ACCESS_TOKEN_TTL_SECONDS: '1800' }).tokenPolicy.maxTokenAgeSeconds).toBe(1830);
    expect(() => loadUsersConfig({ ACCESS_TOKEN_TTL_SECONDS: '1800', ACCESS_TOKEN_MAX_AGE_SECONDS: '900' })).toThrow(/ACCESS_TOKEN_MAX_AGE_SECONDS/);
  });
});
