import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/load-config.ts';
import { loadInventoryConfig } from './config.ts';

describe('loadInventoryConfig', () => {
  it('has working local defaults: port 4003, its own database, a 5 s sweep', () => {
    expect(loadInventoryConfig({})).toMatchObject({
      port: 4003,
      internalPort: 9003,
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/shop_inventory',
      redis: { url: 'redis://127.0.0.1:6379/0', keyPrefix: 'shop:inventory:' },
      jwksUrl: 'http://127.0.0.1:9001/.well-known/jwks.json',
      reservationSweepIntervalMs: 5000,
    });
  });

  it('refuses a sweep interval that is not a positive whole number of milliseconds', () => {
    expect(() => loadInventoryConfig({ RESERVATION_SWEEP_INTERVAL_MS: '0' })).toThrow(ConfigError);
    expect(() => loadInventoryConfig({ RESERVATION_SWEEP_INTERVAL_MS: 'soon' })).toThrow(/RESERVATION_SWEEP_INTERVAL_MS/);
  });
});
