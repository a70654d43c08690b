import { z } from 'zod';
import { retentionEnvironment, retentionSettings } from '../../platform/messaging/retention.ts';
import { DEFAULT_JWKS_URL, env, loadConfig, processEnv, serviceRules, subgraphEnvironment, subgraphSettings } from '../../platform/config/load-config.ts';

/**
 * The message consumer runs each handler inside its inbox transaction, which Prisma ends after
 * 5 s; a provider call happens inside that window, so its timeout must leave room for the writes.
 */
export const MAX_PROVIDER_TIMEOUT_MS = 4_000;

/** Everything the payments process reads from its environment, validated once at start-up. */
export const paymentsConfigSchema = z
  .object({
    ...subgraphEnvironment('payments', 4005),
    ...retentionEnvironment(),
    /** The users subgraph publishes the access-token keys here. */
    JWKS_URL: env.url(DEFAULT_JWKS_URL),
    /** The platform's cut of each vendor's share on capture, in basis points (1000 = 10 %). */
    PLATFORM_COMMISSION_BPS: z.coerce.number().int().min(0).max(10_000).default(1_000),
    /** A provider call not answered by then counts as failed (an authorize: declined PAYMENT_TIMED_OUT and voided). */
    PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(50).max(MAX_PROVIDER_TIMEOUT_MS).default(2_000),
    /** HMAC-SHA256 secret of the provider's webhook signatures; development generates one. */
    PAYMENT_WEBHOOK_SECRET: z.string().min(32, 'needs at least 32 characters').optional(),
    /** A webhook whose signed time is further off than this is refused (replays of old events). */
    PAYMENT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
    /**
     * How long a stored idempotency key of an admin capture is kept (30 days), then deleted: a
     * retry after that is answered PAYMENT_ALREADY_CAPTURED instead of the first result.
     */
    PAYMENT_REQUEST_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 3_650).default(720),
    /** How long the simulated network's slow test card (4000000000000077, tok_slow) takes to answer. */
    SIMULATED_CARD_SLOW_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  })
  .superRefine((values, ctx) => {
    serviceRules(values, ctx);
    if (values.NODE_ENV === 'production' && !values.PAYMENT_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['PAYMENT_WEBHOOK_SECRET'], message: 'is required when NODE_ENV=production' });
    }
  })
  .transform((raw) => ({
    ...subgraphSettings(raw),
    retention: retentionSettings(raw),
    jwksUrl: raw.JWKS_URL,
    commissionBps: raw.PLATFORM_COMMISSION_BPS,
    providerTimeoutMs: raw.PAYMENT_PROVIDER_TIMEOUT_MS,
    webhook: { secret: raw.PAYMENT_WEBHOOK_SECRET ?? null, toleranceSeconds: raw.PAYMENT_WEBHOOK_TOLERANCE_SECONDS },
    paymentRequestRetentionHours: raw.PAYMENT_REQUEST_RETENTION_HOURS,
    simulatedNetwork: { slowMs: raw.SIMULATED_CARD_SLOW_MS },
  }));

export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadPaymentsConfig(env: Record<string, string | undefined> = processEnv()): PaymentsConfig {
  return loadConfig('payments', paymentsConfigSchema, env);
}
