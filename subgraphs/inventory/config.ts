import { z } from 'zod';
import { DEFAULT_JWKS_URL, env, loadConfig, processEnv, serviceRules, subgraphEnvironment, subgraphSettings } from '../../platform/config/load-config.ts';

/** Everything the inventory process reads from its environment, validated once at start-up. */
export const inventoryConfigSchema = z
  .object({
    ...subgraphEnvironment('inventory', 4003),
    /** The users subgraph publishes the access-token keys here. */
    JWKS_URL: env.url(DEFAULT_JWKS_URL),
    /** How often this process releases expired reservations (every instance sweeps; each release locks its row). */
    RESERVATION_SWEEP_INTERVAL_MS: env.positiveInt(5_000),
  })
  .superRefine(serviceRules)
  .transform((raw) => ({
    ...subgraphSettings(raw),
    jwksUrl: raw.JWKS_URL,
    reservationSweepIntervalMs: raw.RESERVATION_SWEEP_INTERVAL_MS,
  }));

export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadInventoryConfig(env: Record<string, string | undefined> = processEnv()): InventoryConfig {
  return loadConfig('inventory', inventoryConfigSchema, env);
}
