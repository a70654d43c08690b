import { z } from 'zod';
import { retentionEnvironment, retentionSettings } from '../../platform/messaging/retention.ts';
import { DEFAULT_JWKS_URL, env, loadConfig, processEnv, serviceRules, subgraphEnvironment, subgraphSettings } from '../../platform/config/load-config.ts';

/** Everything the catalog process reads from its environment, validated once at start-up. */
export const catalogConfigSchema = z
  .object({
    ...subgraphEnvironment('catalog', 4002),
    ...retentionEnvironment(),
    /** The users subgraph publishes the access-token keys here. */
    JWKS_URL: env.url(DEFAULT_JWKS_URL),
    /** How long a product read stays in Redis; writes invalidate it sooner. */
    PRODUCT_CACHE_TTL_SECONDS: env.positiveInt(60),
    /** How long a listing page or facet count stays in Redis; any product write outdates them all at once. */
    LISTING_CACHE_TTL_SECONDS: env.positiveInt(30),
  })
  .superRefine(serviceRules)
  .transform((raw) => ({
    ...subgraphSettings(raw),
    retention: retentionSettings(raw),
    jwksUrl: raw.JWKS_URL,
    productCacheTtlSeconds: raw.PRODUCT_CACHE_TTL_SECONDS,
    listingCacheTtlSeconds: raw.LISTING_CACHE_TTL_SECONDS,
  }));

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadCatalogConfig(env: Record<string, string | undefined> = processEnv()): CatalogConfig {
  return loadConfig('catalog', catalogConfigSchema, env);
}
