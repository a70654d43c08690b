import path from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_POSTGRES_URL,
  INTERNAL_PORT_OFFSET,
  databaseUrl,
  env,
  loadConfig,
  messagingEnvironment,
  messagingSettings,
  processEnv,
  serviceEnvironment,
} from '../../platform/config/load-config.ts';
import { retentionEnvironment, retentionSettings } from '../../platform/messaging/retention.ts';

/** The worker's internal listener (health, metrics): 9007 in every environment unless told. */
export const NOTIFICATIONS_INTERNAL_PORT = 9007;

// The service variables a worker shares with every process (same names, same defaults); it has
// no public port, no GraphQL, so PORT and the query limits do not apply.
const service = serviceEnvironment(0);

/** Everything the notifications worker reads from its environment, validated once at start-up. */
export const notificationsConfigSchema = z
  .object({
    NODE_ENV: service.NODE_ENV,
    HOST: service.HOST,
    INTERNAL_PORT: env.port(NOTIFICATIONS_INTERNAL_PORT),
    LOG_LEVEL: service.LOG_LEVEL,
    LOG_PRETTY: service.LOG_PRETTY,
    HEADERS_TIMEOUT_MS: service.HEADERS_TIMEOUT_MS,
    REQUEST_TIMEOUT_MS: service.REQUEST_TIMEOUT_MS,
    // It signs its reads of users' internal route with the platform's service secret.
    GATEWAY_SIGNING_SECRETS: service.GATEWAY_SIGNING_SECRETS,
    GATEWAY_SIGNATURE_MAX_AGE_SECONDS: service.GATEWAY_SIGNATURE_MAX_AGE_SECONDS,
    DEV_SECRETS_DIR: service.DEV_SECRETS_DIR,
    DATABASE_URL: env.url(databaseUrl(DEFAULT_POSTGRES_URL, 'shop_notifications')),
    DATABASE_POOL_SIZE: env.positiveInt(5),
    ...messagingEnvironment(),
    ...retentionEnvironment(),
    /**
     * Sent and failed emails are kept this long (where each went, and the cancellations a late
     * confirmation is checked against), then deleted; pending ones stay until they go out.
     */
    EMAIL_RETENTION_HOURS: env.positiveInt(720),
    /** The users subgraph's internal listener: POST /internal/contacts gives names and addresses. */
    USERS_INTERNAL_URL: env.url(`http://127.0.0.1:${4001 + INTERNAL_PORT_OFFSET}`),
    CONTACTS_TIMEOUT_MS: env.positiveInt(3_000),
    SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    /** 2525: the development SMTP sink `npm start` runs (scripts/lib/smtp-sink.ts). */
    SMTP_PORT: env.port(2525),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    SMTP_SECURE: env.boolean(false),
    SMTP_USER: env.optionalString(),
    SMTP_PASSWORD: env.optionalString(),
    /** The connection, greeting and each command: a dead server must not hold the sender for long. */
    SMTP_TIMEOUT_MS: env.positiveInt(10_000),
    /**
     * Connections kept open to the server, reused from mail to mail: a batch's emails go out over
     * this many at once. Relays limit connections per client, hence a small bound.
     */
    SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(20).default(2),
    /** Mails over one connection before it is closed and another opened (nodemailer's default). */
    SMTP_MAX_MESSAGES: z.coerce.number().int().min(1).max(10_000).default(100),
    MAIL_FROM: z.string().min(3).default('Shop <no-reply@shop.localhost>'),
    /** The right-hand side of every Message-ID (`<email id>@<domain>`). */
    MESSAGE_ID_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/i, 'a domain name').default('notifications.shop.localhost'),
    /** Longest the sender sleeps when nothing nudged it (new emails nudge it at once). */
    SENDER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
    SENDER_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(20),
    /** After a nudge, how long the sender waits for more emails to become due before it claims a batch. */
    SENDER_GATHER_MS: z.coerce.number().int().min(0).max(10_000).default(200),
    /** First retry delay of an email that could not go out; doubles per attempt up to the max. */
    SENDER_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
    SENDER_RETRY_MAX_MS: z.coerce.number().int().min(10).max(3_600_000).default(300_000),
  })
  .superRefine((values, ctx) => {
    // In production another process could not verify a generated secret, and users would refuse the reads.
    if (values.NODE_ENV === 'production' && !values.GATEWAY_SIGNING_SECRETS) {
      ctx.addIssue({ code: 'custom', path: ['GATEWAY_SIGNING_SECRETS'], message: 'is required when NODE_ENV=production' });
    }
    if (values.HEADERS_TIMEOUT_MS > values.REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HEADERS_TIMEOUT_MS'], message: 'must not exceed REQUEST_TIMEOUT_MS' });
    }
    if (values.SENDER_RETRY_BASE_MS > values.SENDER_RETRY_MAX_MS) {
      ctx.addIssue({ code: 'custom', path: ['SENDER_RETRY_BASE_MS'], message: 'must not exceed SENDER_RETRY_MAX_MS' });
    }
    // A confirmation redelivered or replayed as late as the inbox still recognises must still find its order's cancellation.
    if (values.EMAIL_RETENTION_HOURS < values.INBOX_RETENTION_HOURS) {
      ctx.addIssue({ code: 'custom', path: ['EMAIL_RETENTION_HOURS'], message: 'must not be below INBOX_RETENTION_HOURS' });
    }
    if ((values.SMTP_USER === null) !== (values.SMTP_PASSWORD === null)) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_PASSWORD'], message: 'SMTP_USER and SMTP_PASSWORD go together' });
    }
  })
  .transform((raw) => ({
    nodeEnv: raw.NODE_ENV,
    host: raw.HOST,
    internalPort: raw.INTERNAL_PORT,
    logLevel: raw.LOG_LEVEL,
    logPretty: raw.LOG_PRETTY,
    headersTimeoutMs: raw.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: raw.REQUEST_TIMEOUT_MS,
    gatewaySigning: {
      secrets: raw.GATEWAY_SIGNING_SECRETS,
      maxAgeSeconds: raw.GATEWAY_SIGNATURE_MAX_AGE_SECONDS,
      devSecretsDir: path.resolve(raw.DEV_SECRETS_DIR),
    },
    databaseUrl: raw.DATABASE_URL,
    databasePoolSize: raw.DATABASE_POOL_SIZE,
    messaging: messagingSettings(raw),
    retention: retentionSettings(raw),
    emailRetentionHours: raw.EMAIL_RETENTION_HOURS,
    contacts: { baseUrl: raw.USERS_INTERNAL_URL, timeoutMs: raw.CONTACTS_TIMEOUT_MS },
    smtp: {
      host: raw.SMTP_HOST,
      port: raw.SMTP_PORT,
      secure: raw.SMTP_SECURE,
      auth: raw.SMTP_USER !== null && raw.SMTP_PASSWORD !== null ? { user: raw.SMTP_USER, pass: raw.SMTP_PASSWORD } : null,
      timeoutMs: raw.SMTP_TIMEOUT_MS,
      maxConnections: raw.SMTP_MAX_CONNECTIONS,
      maxMessages: raw.SMTP_MAX_MESSAGES,
    },
    mail: { from: raw.MAIL_FROM, messageIdDomain: raw.MESSAGE_ID_DOMAIN },
    sender: {
      pollMs: raw.SENDER_POLL_MS,
      batchSize: raw.SENDER_BATCH_SIZE,
      gatherMs: raw.SENDER_GATHER_MS,
      retryBaseMs: raw.SENDER_RETRY_BASE_MS,
      retryMaxMs: raw.SENDER_RETRY_MAX_MS,
    },
  }));

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;

/** Throws ConfigError listing every problem at once. */
export function loadNotificationsConfig(env: Record<string, string | undefined> = processEnv()): NotificationsConfig {
  return loadConfig('notifications', notificationsConfigSchema, env);
}
