import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/load-config.ts';
import { loadOrdersConfig } from './config.ts';

describe('loadOrdersConfig', () => {
  it('has working local defaults: port 4006, its own database, cart and catalog internal listeners, the saga timings', () => {
    expect(loadOrdersConfig({})).toMatchObject({
      port: 4006,
      internalPort: 9006,
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/shop_orders',
      cartInternalUrl: 'http://127.0.0.1:9004',
      catalogInternalUrl: 'http://127.0.0.1:9002',
      shippingFlatFee: 495,
      taxRates: { DE: 1900, NL: 2100, FR: 2000, US: 0 },
      sagaStepTimeoutMs: 30_000,
      sagaSweepIntervalMs: 5_000,
      reservationTtlSeconds: 900,
    });
  });

  it('reads TAX_RATES as COUNTRY:BASIS_POINTS pairs, upper-casing countries', () => {
    expect(loadOrdersConfig({ TAX_RATES: ' de:1900 , at:2000' }).taxRates).toEqual({ DE: 1900, AT: 2000 });
  });

  it.each([
    ['TAX_RATES', 'DE=19'],
    ['TAX_RATES', 'DE:10001'],
    ['TAX_RATES', ''],
    ['SHIPPING_FLAT_FEE', '-1'],
    ['SAGA_STEP_TIMEOUT_MS', 'soon'],
  ])('refuses %s=%j', (name, value) => {
    expect(() => loadOrdersConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('refuses a reservation that could expire before the saga commits it', () => {
    expect(() => loadOrdersConfig({ SAGA_STEP_TIMEOUT_MS: '60000', RESERVATION_TTL_SECONDS: '120' })).toThrow(ConfigError);
    expect(loadOrdersConfig({ SAGA_STEP_TIMEOUT_MS: '60000', RESERVATION_TTL_SECONDS: '180' }).reservationTtlSeconds).toBe(180);
  });
});
