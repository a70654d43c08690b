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
      loginLimits: { maxFailuresPerAccount: 5, accountWindowSeconds: 900, maxAttemptsPerIp: 30, ipWindowSeconds: 300 },
    });
    expect(config).not.toHaveProperty('jwksUrl');
    expect(config.secrets.devSecretsDir).toMatch(/\.dev-secrets$/);
  });
});
