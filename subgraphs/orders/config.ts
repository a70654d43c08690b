import { z } from 'zod';
import { retentionEnvironment, retentionSettings } from '../../platform/messaging/retention.ts';
import { DEFAULT_JWKS_URL, env, internalUrlVariable, loadConfig, processEnv, serviceRules, subgraphEnvironment, subgraphSettings } from '../../platform/config/load-config.ts';

/**
 * TAX_RATES: `DE:1900,NL:2100` — destination country (ISO alpha-2) and its rate in basis points
 * (1900 = 19 %, 0 to 10000). A country not listed is one the shop does not ship to.
 */
const taxRates = z
  .string()
  .default('DE:1900,NL:2100,FR:2000,US:0')
  .transform((value, ctx) => {
    const rates: Record<string, number> = {};
    for (const part of value.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
      const match = /^([A-Za-z]{2}):(\d{1,5})$/.exec(part);
      const bp = match ? Number(match[2]) : NaN;
      if (!match || bp > 10_000) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not COUNTRY:BASIS_POINTS (e.g. DE:1900, at most 10000)` });
        continue;
      }
      rates[match[1]!.toUpperCase()] = bp;
    }
    if (Object.keys(rates).length === 0) ctx.addIssue({ code: 'custom', message: 'lists no country: the shop would ship nowhere' });
    return rates;
  });

/** Everything the orders process reads from its environment, validated once at start-up. */
export const ordersConfigSchema = z
  .object({
    ...subgraphEnvironment('orders', 4006),
    ...retentionEnvironment(),
    /** The users subgraph publishes the access-token keys here. */
    JWKS_URL: env.url(DEFAULT_JWKS_URL),
    /** Cart's internal listener: placeOrder reads the cart there (POST /internal/carts/checkout). */
    CART_INTERNAL_URL: internalUrlVariable(4004),
    /** Catalog's internal listener: placeOrder reads names, prices and vendors there (POST /internal/variants). */
    CATALOG_INTERNAL_URL: internalUrlVariable(4002),
    /** How long placeOrder waits for one of those reads before answering ORDER_CHECKOUT_UNAVAILABLE. */
    INTERNAL_READ_TIMEOUT_MS: env.positiveInt(3_000),
    /** The flat shipping fee of every vendor order, in minor units of the order's currency. */
    SHIPPING_FLAT_FEE: z.coerce.number().int().min(0).max(1_000_000).default(495),
    TAX_RATES: taxRates,
    /** How long one saga step (reserve, authorize, commit, capture) may wait for its reply. */
    SAGA_STEP_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    /** How often this process looks for checkouts past their step deadline (every instance sweeps; each order is locked). */
    SAGA_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    /** How long inventory holds an order's units: longer than the saga's steps up to the commit. */
    RESERVATION_TTL_SECONDS: z.coerce.number().int().positive().max(86_400).default(900),
  })
  .superRefine((values, ctx) => {
    serviceRules(values, ctx);
    // Reserved → authorize → commit: the hold must outlive both waits, or a slow but successful
    // payment finds its stock already released (commit_failed, a cancelled order).
    if (values.RESERVATION_TTL_SECONDS * 1000 < 3 * values.SAGA_STEP_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['RESERVATION_TTL_SECONDS'], message: 'must be at least 3 × SAGA_STEP_TIMEOUT_MS' });
    }
  })
  .transform((raw) => ({
    ...subgraphSettings(raw),
    retention: retentionSettings(raw),
    jwksUrl: raw.JWKS_URL,
    cartInternalUrl: raw.CART_INTERNAL_URL,
    catalogInternalUrl: raw.CATALOG_INTERNAL_URL,
    internalReadTimeoutMs: raw.INTERNAL_READ_TIMEOUT_MS,
    shippingFlatFee: raw.SHIPPING_FLAT_FEE,
    taxRates: raw.TAX_RATES,
    sagaStepTimeoutMs: raw.SAGA_STEP_TIMEOUT_MS,
    sagaSweepIntervalMs: raw.SAGA_SWEEP_INTERVAL_MS,
    reservationTtlSeconds: raw.RESERVATION_TTL_SECONDS,
  }));

export type OrdersConfig = z.infer<typeof ordersConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadOrdersConfig(env: Record<string, string | undefined> = processEnv()): OrdersConfig {
  return loadConfig('orders', ordersConfigSchema, env);
}
