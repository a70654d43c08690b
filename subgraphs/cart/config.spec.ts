import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/load-config.ts';
import { loadCartConfig } from './config.ts';

describe('loadCartConfig', () => {
  it('has working local defaults: port 4004, its own database, catalog and inventory on their internal ports, guest carts for 7 days', () => {
    expect(loadCartConfig({})).toMatchObject({
      port: 4004,
      internalPort: 9004,
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/shop_cart',
      jwksUrl: 'http://127.0.0.1:9001/.well-known/jwks.json',
      catalogInternalUrl: 'http://127.0.0.1:9002',
      inventoryInternalUrl: 'http://127.0.0.1:9003',
      guestCartTtlMs: 168 * 3_600_000,
    });
  });

  it('refuses a guest cart lifetime that is not a whole number of hours from 1', () => {
    expect(() => loadCartConfig({ GUEST_CART_TTL_HOURS: '0' })).toThrow(ConfigError);
    expect(() => loadCartConfig({ GUEST_CART_TTL_HOURS: 'a week' })).toThrow(/GUEST_CART_TTL_HOURS/);
  });
});
