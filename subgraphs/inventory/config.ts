import { z } from 'zod';
import { retentionEnvironment, retentionSettings } from '../../platform/messaging/retention.ts';
import { DEFAULT_JWKS_URL, env, loadConfig, processEnv, serviceRules, subgraphEnvironment, subgraphSettings } from '../../platform/config/load-config.ts';

/** Everything the inventory process reads from its environment, validated once at start-up. */
export const inventoryConfigSchema = z
  .object({
    ...subgraphEnvironment('inventory', 4003),
    /** The users subgraph publishes the access-token keys here. */
    JWKS_URL: env.url(DEFAULT_JWKS_URL),
    /** How often this process releases expired reservations (every instance sweeps; each release locks its row). */
    RESERVATION_SWEEP_INTERVAL_MS: env.positiveInt(5_000),
    /** Most reservations one batch transaction applies (application/reservation-batcher.ts). */
    RESERVATION_BATCH_MAX: z.coerce.number().int().min(1).max(1_000).default(200),
    /** How long an idle batcher waits after the first reservation for others to join its batch. */
    RESERVATION_BATCH_TICK_MS: z.coerce.number().int().min(0).max(100).default(2),
    /** Connections of the batcher's own pool (one batch runs at a time; saga handlers wait on it holding the main pool's). */
    RESERVATION_BATCH_POOL_SIZE: z.coerce.number().int().min(1).max(20).default(2),
    /** Units available at or below which a variant without a threshold of its own raises inventory.low_stock. */
    LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).max(1_000_000).default(5),
    /** How long stored outcomes of receiveStock/adjustStock idempotency keys are kept (a retry after that moves stock again). */
    STOCK_REQUEST_RETENTION_HOURS: env.positiveInt(72),
    ...retentionEnvironment(),
  })
  .superRefine(serviceRules)
  .transform((raw) => ({
    ...subgraphSettings(raw),
    jwksUrl: raw.JWKS_URL,
    reservationSweepIntervalMs: raw.RESERVATION_SWEEP_INTERVAL_MS,
    reservationBatch: { maxBatch: raw.RESERVATION_BATCH_MAX, tickMs: raw.RESERVATION_BATCH_TICK_MS, poolSize: raw.RESERVATION_BATCH_POOL_SIZE },
    lowStockThreshold: raw.LOW_STOCK_THRESHOLD,
    stockRequestRetentionHours: raw.STOCK_REQUEST_RETENTION_HOURS,
    retention: retentionSettings(raw),
  }));

export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadInventoryConfig(env: Record<string, string | undefined> = processEnv()): InventoryConfig {
  return loadConfig('inventory', inventoryConfigSchema, env);
}
