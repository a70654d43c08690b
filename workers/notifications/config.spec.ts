import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/load-config.ts';
import { loadNotificationsConfig } from './config.ts';

describe('loadNotificationsConfig', () => {
  it('has working local defaults: internal port 9007, its own database, users’ internal listener, the dev SMTP sink', () => {
    expect(loadNotificationsConfig({})).toMatchObject({
      internalPort: 9007,
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/shop_notifications',
      messaging: { url: 'amqp://guest:guest@127.0.0.1:5672', prefix: 'shop.' },
      contacts: { baseUrl: 'http://127.0.0.1:9001' },
      smtp: { host: '127.0.0.1', port: 2525, secure: false, auth: null, maxConnections: 2, maxMessages: 100 },
      sender: { pollMs: 1000, batchSize: 20, gatherMs: 200 },
    });
  });

  it('production needs the platform’s signing secrets (users refuses unsigned reads)', () => {
    expect(() => loadNotificationsConfig({ NODE_ENV: 'production' })).toThrow(/GATEWAY_SIGNING_SECRETS: is required/);
    expect(loadNotificationsConfig({ NODE_ENV: 'production', GATEWAY_SIGNING_SECRETS: 'x'.repeat(32) }).gatewaySigning.secrets).toEqual(['x'.repeat(32)]);
  });

  it('SMTP credentials come in pairs, and a batch never names more recipients than users answers for', () => {
    expect(() => loadNotificationsConfig({ SMTP_USER: 'mailer' })).toThrow(/SMTP_PASSWORD: SMTP_USER and SMTP_PASSWORD go together/);
    expect(loadNotificationsConfig({ SMTP_USER: 'mailer', SMTP_PASSWORD: 'secret' }).smtp.auth).toEqual({ user: 'mailer', pass: 'secret' });
    expect(() => loadNotificationsConfig({ SENDER_BATCH_SIZE: '101' })).toThrow(ConfigError);
    expect(() => loadNotificationsConfig({ SENDER_RETRY_BASE_MS: '5000', SENDER_RETRY_MAX_MS: '1000' })).toThrow(/SENDER_RETRY_BASE_MS: must not exceed/);
  });

  it('keeps settled emails 30 days, never for less time than handled inbox rows', () => {
    expect(loadNotificationsConfig({}).emailRetentionHours).toBe(720);
    expect(() => loadNotificationsConfig({ EMAIL_RETENTION_HOURS: '100' })).toThrow(/EMAIL_RETENTION_HOURS: must not be below INBOX_RETENTION_HOURS/);
    expect(loadNotificationsConfig({ EMAIL_RETENTION_HOURS: '100', INBOX_RETENTION_HOURS: '100' }).emailRetentionHours).toBe(100);
  });

  it('lists every problem at once', () => {
    try {
      loadNotificationsConfig({ SMTP_PORT: 'mail', SENDER_POLL_MS: '0', USERS_INTERNAL_URL: 'users' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const variable of ['SMTP_PORT', 'SENDER_POLL_MS', 'USERS_INTERNAL_URL']) expect(problems).toContain(variable);
    }
  });
});
