import { z } from 'zod';
import { retentionEnvironment, retentionSettings } from '../../platform/messaging/retention.ts';
import { DEFAULT_JWKS_URL, env, internalUrlVariable, loadConfig, processEnv, serviceRules, subgraphEnvironment, subgraphSettings } from '../../platform/config/load-config.ts';

/** Everything the cart process reads from its environment, validated once at start-up. */
export const cartConfigSchema = z
  .object({
    ...subgraphEnvironment('cart', 4004),
    ...retentionEnvironment(),
    /** The users subgraph publishes the access-token keys here. */
    JWKS_URL: env.url(DEFAULT_JWKS_URL),
    /** Catalog's internal listener: names, prices and on-sale state of variants (POST /internal/variants). */
    CATALOG_INTERNAL_URL: internalUrlVariable(4002),
    /** Inventory's internal listener: units available per variant (POST /internal/availability). */
    INVENTORY_INTERNAL_URL: internalUrlVariable(4003),
    /** How long one read of catalog or inventory may take before the cart request fails. */
    INTERNAL_READ_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(3_000),
    /** A guest cart lives this long after its last change, then it is gone (7 days by default). */
    GUEST_CART_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(168),
    /** How often this process deletes expired guest carts (every instance sweeps; deletes are idempotent). */
    GUEST_CART_SWEEP_INTERVAL_MS: env.positiveInt(60_000),
  })
  .superRefine(serviceRules)
  .transform((raw) => ({
    ...subgraphSettings(raw),
    retention: retentionSettings(raw),
    jwksUrl: raw.JWKS_URL,
    catalogInternalUrl: raw.CATALOG_INTERNAL_URL,
    inventoryInternalUrl: raw.INVENTORY_INTERNAL_URL,
    internalReadTimeoutMs: raw.INTERNAL_READ_TIMEOUT_MS,
    guestCartTtlMs: raw.GUEST_CART_TTL_HOURS * 3_600_000,
    guestCartSweepIntervalMs: raw.GUEST_CART_SWEEP_INTERVAL_MS,
  }));

export type CartConfig = z.infer<typeof cartConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadCartConfig(env: Record<string, string | undefined> = processEnv()): CartConfig {
  return loadConfig('cart', cartConfigSchema, env);
}
