import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/load-config.ts';
import { loadPaymentsConfig } from './config.ts';

describe('loadPaymentsConfig', () => {
  it('has working local defaults: port 4005, its own database, 10 % commission, a 2 s provider timeout', () => {
    expect(loadPaymentsConfig({})).toMatchObject({
      port: 4005,
      internalPort: 9005,
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/shop_payments',
      commissionBps: 1000,
      providerTimeoutMs: 2000,
      webhook: { secret: null, toleranceSeconds: 300 },
      simulatedNetwork: { slowMs: 3000 },
      paymentRequestRetentionHours: 720,
      retention: { outboxHours: 72, inboxHours: 168, intervalMs: 600_000 },
    });
  });

  it('keeps stored idempotency keys for PAYMENT_REQUEST_RETENTION_HOURS, at least an hour', () => {
    expect(loadPaymentsConfig({ PAYMENT_REQUEST_RETENTION_HOURS: '48' }).paymentRequestRetentionHours).toBe(48);
    expect(() => loadPaymentsConfig({ PAYMENT_REQUEST_RETENTION_HOURS: '0' })).toThrow(/PAYMENT_REQUEST_RETENTION_HOURS/);
    expect(() => loadPaymentsConfig({ PAYMENT_REQUEST_RETENTION_HOURS: '1.5' })).toThrow(/PAYMENT_REQUEST_RETENTION_HOURS/);
  });

  it('refuses a commission above 100 %, and a provider timeout the inbox transaction cannot hold', () => {
    expect(() => loadPaymentsConfig({ PLATFORM_COMMISSION_BPS: '10001' })).toThrow(/PLATFORM_COMMISSION_BPS/);
    expect(() => loadPaymentsConfig({ PAYMENT_PROVIDER_TIMEOUT_MS: '4001' })).toThrow(/PAYMENT_PROVIDER_TIMEOUT_MS/);
  });

  it('needs a webhook secret of its own in production', () => {
    const production = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRETS: 'x'.repeat(32) };
    expect(() => loadPaymentsConfig(production)).toThrow(ConfigError);
    expect(() => loadPaymentsConfig(production)).toThrow(/PAYMENT_WEBHOOK_SECRET/);
    expect(loadPaymentsConfig({ ...production, PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32) }).webhook.secret).toBe('w'.repeat(32));
  });
});
