import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS } from '../../platform/auth/access-token.ts';
import { retentionEnvironment, retentionSettings } from '../../platform/messaging/retention.ts';
import { accessTokenSettings, env, loadConfig, processEnv, serviceRules, subgraphEnvironment, subgraphSettings } from '../../platform/config/load-config.ts';

/** A private Ed25519 JWK as JSON; checked here so a bad key fails at start-up, not at the first log-in. */
const privateJwk = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return null;
    try {
      const parsed = z
        .object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1), d: z.string().min(1), kid: z.string().min(1) })
        .passthrough()
        .parse(JSON.parse(value));
      return parsed;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a private Ed25519 JWK (JSON with kty OKP, crv Ed25519, x, d and kid)' });
      return z.NEVER;
    }
  });

/** Public JWKs still accepted during a key rotation (the previous signing key), as a JSON array. */
const extraPublicJwks = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return [];
    try {
      return z
        .array(z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1), kid: z.string().min(1) }))
        .parse(JSON.parse(value))
        .map(({ kty, crv, x, kid }) => ({ kty, crv, x, kid }));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of public Ed25519 JWKs with kid' });
      return z.NEVER;
    }
  });

const piiKey = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return null;
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'must be base64 of exactly 32 random bytes' });
      return z.NEVER;
    }
    return key;
  });

/**
 * The common subgraph variables plus the users subgraph's own. It verifies access tokens with the
 * keys it holds, so it has no JWKS_URL.
 */
export const usersConfigSchema = z
  .object({
    ...subgraphEnvironment('users', 4001),
    ...retentionEnvironment(),
    ACCESS_TOKEN_TTL_SECONDS: env.positiveInt(DEFAULT_ACCESS_TOKEN_TTL_SECONDS),
    REFRESH_TOKEN_TTL_SECONDS: env.positiveInt(30 * 24 * 60 * 60),
    /** Required in production; generated into DEV_SECRETS_DIR otherwise. */
    JWT_PRIVATE_JWK: privateJwk,
    JWT_EXTRA_PUBLIC_JWKS: extraPublicJwks,
    /** base64 of 32 bytes; required in production; generated into DEV_SECRETS_DIR otherwise. */
    PII_ENCRYPTION_KEY: piiKey,
    LOGIN_FAILURES_BEFORE_DELAY: env.positiveInt(3),
    LOGIN_DELAY_BASE_SECONDS: env.positiveInt(2),
    LOGIN_DELAY_MAX_SECONDS: env.positiveInt(15 * 60),
    LOGIN_MAX_FAILURES_PER_IP: env.positiveInt(30),
    LOGIN_IP_WINDOW_SECONDS: env.positiveInt(15 * 60),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: env.positiveInt(100),
    LOGIN_ACCOUNT_WINDOW_SECONDS: env.positiveInt(60 * 60),
    SIGNUP_MAX_PER_IP: env.positiveInt(20),
    SIGNUP_IP_WINDOW_SECONDS: env.positiveInt(60 * 60),
    /** How long a vendor entity stays in Redis for federated references (dropped on every vendor write). */
    VENDOR_CACHE_TTL_SECONDS: env.positiveInt(60),
    /**
     * Where partner API keys and manifests are mirrored for the gateways: the same value as the
     * gateway's PARTNERS_KEY_PREFIX, outside REDIS_KEY_PREFIX because the gateways read it too.
     */
    PARTNERS_KEY_PREFIX: z.string().min(1).default('shop:partners:'),
  })
  .superRefine((config, ctx) => {
    serviceRules(config, ctx);
    if (config.ACCESS_TOKEN_MAX_AGE_SECONDS !== undefined && config.ACCESS_TOKEN_MAX_AGE_SECONDS < config.ACCESS_TOKEN_TTL_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['ACCESS_TOKEN_MAX_AGE_SECONDS'],
        message: 'must be at least ACCESS_TOKEN_TTL_SECONDS, or the tokens this subgraph signs would be refused before they expire',
      });
    }
    if (config.NODE_ENV !== 'production') return;
    // Generated dev keys would differ per pod and vanish with it: production must bring its own.
    if (!config.JWT_PRIVATE_JWK) {
      ctx.addIssue({ code: 'custom', path: ['JWT_PRIVATE_JWK'], message: 'is required when NODE_ENV=production' });
    }
    if (!config.PII_ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['PII_ENCRYPTION_KEY'], message: 'is required when NODE_ENV=production' });
    }
  })
  .transform((c) => ({
    ...subgraphSettings(c),
    retention: retentionSettings(c),
    // The age limit follows the lifetime of the tokens this process signs.
    ...accessTokenSettings(c, c.ACCESS_TOKEN_TTL_SECONDS),
    vendorCacheTtlSeconds: c.VENDOR_CACHE_TTL_SECONDS,
    /** Its own connection: the key space is shared with every gateway. */
    partnersRedis: { url: c.REDIS_URL, keyPrefix: c.PARTNERS_KEY_PREFIX },
    tokens: {
      accessTokenTtlSeconds: c.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: c.REFRESH_TOKEN_TTL_SECONDS,
    },
    secrets: {
      /** null outside production means "load or generate the dev key". */
      jwtPrivateJwk: c.JWT_PRIVATE_JWK,
      extraPublicJwks: c.JWT_EXTRA_PUBLIC_JWKS,
      piiEncryptionKey: c.PII_ENCRYPTION_KEY,
      devSecretsDir: path.resolve(c.DEV_SECRETS_DIR),
    },
    loginLimits: {
      failuresBeforeDelay: c.LOGIN_FAILURES_BEFORE_DELAY,
      baseDelaySeconds: c.LOGIN_DELAY_BASE_SECONDS,
      maxDelaySeconds: c.LOGIN_DELAY_MAX_SECONDS,
      maxFailuresPerIp: c.LOGIN_MAX_FAILURES_PER_IP,
      ipWindowSeconds: c.LOGIN_IP_WINDOW_SECONDS,
      maxFailuresPerAccount: c.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      accountWindowSeconds: c.LOGIN_ACCOUNT_WINDOW_SECONDS,
    },
    signUpLimits: { maxPerIp: c.SIGNUP_MAX_PER_IP, ipWindowSeconds: c.SIGNUP_IP_WINDOW_SECONDS },
  }));

export type UsersConfig = z.infer<typeof usersConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadUsersConfig(env: Record<string, string | undefined> = processEnv()): UsersConfig {
  return loadConfig('users', usersConfigSchema, env);
}
