import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/load-config.ts';
import { loadCatalogConfig } from './config.ts';

describe('loadCatalogConfig', () => {
  it('has working local defaults', () => {
    expect(loadCatalogConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4002,
      internalPort: 9002,
      nodeEnv: 'development',
      logLevel: 'info',
      logPretty: false,
      headersTimeoutMs: 5000,
      requestTimeoutMs: 10000,
      maxBodyBytes: 65536,
      maxQueryDepth: 12,
      maxAliases: 30,
      gatewaySigning: { secrets: null, maxAgeSeconds: 30, devSecretsDir: expect.stringMatching(/\.dev-secrets$/) },
      metrics: { knownOperations: [], maxFirstSeenOperations: 20 },
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/shop_catalog',
      databasePoolSize: 10,
      redis: { url: 'redis://127.0.0.1:6379/0', keyPrefix: 'shop:catalog:' },
      tokenPolicy: { clockSkewSeconds: 30, maxTokenAgeSeconds: 930 },
      sessionRevocations: { redis: { url: 'redis://127.0.0.1:6379/0', keyPrefix: 'shop:sessions:' }, checkIntervalMs: 2000, retentionSeconds: 990 },
      messaging: { url: 'amqp://guest:guest@127.0.0.1:5672', prefix: 'shop.', outboxPollMs: 1000, batchWaitMs: 5, deliveryLimit: 5 },
      retention: { outboxHours: 72, inboxHours: 168, intervalMs: 600_000 },
      jwksUrl: 'http://127.0.0.1:9001/.well-known/jwks.json',
      productCacheTtlSeconds: 60,
      listingCacheTtlSeconds: 30,
    });
  });

  it('reads overrides', () => {
    const config = loadCatalogConfig({ PORT: '0', PRODUCT_CACHE_TTL_SECONDS: '5', LISTING_CACHE_TTL_SECONDS: '7', LOG_PRETTY: 'true', REDIS_KEY_PREFIX: 't:' });
    expect(config).toMatchObject({ port: 0, productCacheTtlSeconds: 5, listingCacheTtlSeconds: 7, logPretty: true, redis: { keyPrefix: 't:' } });
  });

  it('reads the broker settings every subgraph shares, and refuses a URL that is not AMQP', () => {
    const config = loadCatalogConfig({ RABBITMQ_URL: 'amqp://u:p@mq:5672/shop', MESSAGING_PREFIX: 'stage.', OUTBOX_POLL_MS: '250', MESSAGE_BATCH_WAIT_MS: '0', MESSAGE_DELIVERY_LIMIT: '3' });
    expect(config.messaging).toEqual({ url: 'amqp://u:p@mq:5672/shop', prefix: 'stage.', outboxPollMs: 250, batchWaitMs: 0, deliveryLimit: 3 });
    expect(() => loadCatalogConfig({ RABBITMQ_URL: 'http://mq' })).toThrow(/RABBITMQ_URL/);
  });

  it('reports every problem at once', () => {
    try {
      loadCatalogConfig({ PORT: 'x', DATABASE_URL: 'nope', PRODUCT_CACHE_TTL_SECONDS: '0' });
      expect.unreachable('config should have been refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'DATABASE_URL', 'PRODUCT_CACHE_TTL_SECONDS']);
    }
  });
});
