import { z } from 'zod';
import { databaseUrl, DEFAULT_POSTGRES_URL, DEFAULT_REDIS_URL, env, loadConfig, processEnv } from '../../platform/config/load-config.ts';

/** Everything the catalog process reads from its environment, validated once at start-up. */
export const catalogConfigSchema = z
  .object({
    HOST: env.host(),
    PORT: env.port(4002),
    NODE_ENV: env.nodeEnv(),
    LOG_LEVEL: env.logLevel(),
    LOG_PRETTY: env.boolean(false),
    DATABASE_URL: env.url(databaseUrl(DEFAULT_POSTGRES_URL, 'shop_catalog')),
    /** Connections this process may hold to its database. */
    DATABASE_POOL_SIZE: env.positiveInt(10),
    REDIS_URL: env.url(DEFAULT_REDIS_URL),
    REDIS_KEY_PREFIX: z.string().min(1).default('shop:catalog:'),
    /** The users subgraph publishes the access-token keys here. */
    JWKS_URL: env.url('http://127.0.0.1:4001/.well-known/jwks.json'),
    /** How long a product read stays in Redis; writes invalidate it sooner. */
    PRODUCT_CACHE_TTL_SECONDS: env.positiveInt(60),
    /** How long a listing page or facet count stays in Redis; any product write outdates them all at once. */
    LISTING_CACHE_TTL_SECONDS: env.positiveInt(30),
  })
  .transform((raw) => ({
    host: raw.HOST,
    port: raw.PORT,
    nodeEnv: raw.NODE_ENV,
    logLevel: raw.LOG_LEVEL,
    logPretty: raw.LOG_PRETTY,
    databaseUrl: raw.DATABASE_URL,
    databasePoolSize: raw.DATABASE_POOL_SIZE,
    redis: { url: raw.REDIS_URL, keyPrefix: raw.REDIS_KEY_PREFIX },
    jwksUrl: raw.JWKS_URL,
    productCacheTtlSeconds: raw.PRODUCT_CACHE_TTL_SECONDS,
    listingCacheTtlSeconds: raw.LISTING_CACHE_TTL_SECONDS,
  }));

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadCatalogConfig(env: Record<string, string | undefined> = processEnv()): CatalogConfig {
  return loadConfig('catalog', catalogConfigSchema, env);
}
