import { z } from 'zod';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS, DEFAULT_CLOCK_SKEW_SECONDS } from '../auth/access-token.ts';

/** Raised when the environment does not describe a runnable process; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly service: string, readonly problems: string[]) {
    super(`Invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates an environment against a zod schema once, reporting all errors together.
 * Services call this from their own config.ts; nothing else reads the environment.
 */
export function loadConfig<TSchema extends z.ZodType>(
  service: string,
  schema: TSchema,
  env: Record<string, string | undefined>,
): z.infer<TSchema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(service, problems);
  }
  return parsed.data;
}

/** The process environment, read here and only here (and in each service's config.ts via this). */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Building blocks shared by every service's config schema. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  host: () => z.string().min(1).default('127.0.0.1'),
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  url: (fallback: string) => z.string().url().default(fallback),
  boolean: (fallback: boolean) => booleanish.default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  optionalString: () =>
    z
      .string()
      .optional()
      .transform((value) => (value === undefined || value === '' ? null : value)),
};

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';
export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432';

/** `postgresql://…/shop_users` for a database name on the default or given server. */
export function databaseUrl(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Where the users subgraph publishes the public keys that verify access tokens (`JWKS_URL`). */
export const DEFAULT_JWKS_URL = 'http://127.0.0.1:4001/.well-known/jwks.json';

/**
 * What every process that verifies access tokens reads (the gateway and every subgraph): how far
 * token times may be off, the oldest token it accepts, and where ended sessions are recorded in
 * Redis. The key space must be the same in every process of a deployment.
 */
export function accessTokenEnvironment() {
  return {
    TOKEN_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(DEFAULT_CLOCK_SKEW_SECONDS),
    /** Unset: the access-token lifetime plus the clock skew. */
    ACCESS_TOKEN_MAX_AGE_SECONDS: z.coerce.number().int().positive().optional(),
    SESSIONS_KEY_PREFIX: z.string().min(1).default('shop:sessions:'),
    SESSION_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  };
}

type AccessTokenEnvironment = z.output<z.ZodObject<ReturnType<typeof accessTokenEnvironment>>>;

/**
 * The typed token policy and revocation-list settings. `ttlSeconds` is the lifetime of the tokens
 * the users subgraph signs; the default age limit is that plus the skew.
 */
export function accessTokenSettings(raw: AccessTokenEnvironment & { REDIS_URL: string }, ttlSeconds = DEFAULT_ACCESS_TOKEN_TTL_SECONDS) {
  const clockSkewSeconds = raw.TOKEN_CLOCK_SKEW_SECONDS;
  const maxTokenAgeSeconds = raw.ACCESS_TOKEN_MAX_AGE_SECONDS ?? ttlSeconds + clockSkewSeconds;
  return {
    tokenPolicy: { clockSkewSeconds, maxTokenAgeSeconds },
    sessionRevocations: {
      redis: { url: raw.REDIS_URL, keyPrefix: raw.SESSIONS_KEY_PREFIX },
      checkIntervalMs: raw.SESSION_CHECK_INTERVAL_MS,
      // A verifier accepts a token until its age passes the limit, by its own clock, and the
      // token's `iat` may run one skew ahead of that clock: the record must outlive both.
      retentionSeconds: maxTokenAgeSeconds + 2 * clockSkewSeconds,
    },
  };
}

/**
 * The variables every subgraph reads, with the same names and local defaults everywhere; a
 * subgraph's config.ts spreads these into its zod object and adds its own (a subgraph that
 * verifies access tokens against the issuer adds `JWKS_URL: env.url(DEFAULT_JWKS_URL)`).
 */
export function subgraphEnvironment(name: string, port: number) {
  return {
    NODE_ENV: env.nodeEnv(),
    HOST: env.host(),
    PORT: env.port(port),
    LOG_LEVEL: env.logLevel(),
    LOG_PRETTY: env.boolean(false),
    DATABASE_URL: env.url(databaseUrl(DEFAULT_POSTGRES_URL, `shop_${name}`)),
    /** Connections this process may hold to its database. */
    DATABASE_POOL_SIZE: env.positiveInt(10),
    REDIS_URL: env.url(DEFAULT_REDIS_URL),
    REDIS_KEY_PREFIX: z.string().min(1).default(`shop:${name}:`),
    ...accessTokenEnvironment(),
  };
}

type SubgraphEnvironment = z.output<z.ZodObject<ReturnType<typeof subgraphEnvironment>>>;

/** The common part of every subgraph's typed config, from the variables above. */
export function subgraphSettings(raw: SubgraphEnvironment) {
  return {
    nodeEnv: raw.NODE_ENV,
    host: raw.HOST,
    port: raw.PORT,
    logLevel: raw.LOG_LEVEL,
    logPretty: raw.LOG_PRETTY,
    databaseUrl: raw.DATABASE_URL,
    databasePoolSize: raw.DATABASE_POOL_SIZE,
    redis: { url: raw.REDIS_URL, keyPrefix: raw.REDIS_KEY_PREFIX },
    ...accessTokenSettings(raw),
  };
}
