import { existsSync } from 'node:fs';
import path from 'node:path';
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
/** Where Debian's PostgreSQL (and psql, by default) keeps the server's local socket. */
export const POSTGRES_SOCKET_DIR = '/var/run/postgresql';

/**
 * The server the developer scripts and the tests use unless POSTGRES_URL says otherwise: this
 * host's local socket when there is one (psql's own default), else loopback TCP. Every statement
 * is a round trip, and on the 2-core machine one over the socket costs the client about half the
 * CPU of one over TCP; a checkout is hundreds of them (`npm run bench:checkout`, README).
 */
export function defaultPostgresUrl(socketDir: string = POSTGRES_SOCKET_DIR): string {
  return existsSync(path.join(socketDir, '.s.PGSQL.5432')) ? `postgresql://postgres@localhost:5432/postgres?host=${socketDir}` : DEFAULT_POSTGRES_URL;
}
export const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_MESSAGING_PREFIX = 'shop.';

/**
 * What every process on the message bus reads: the broker and the prefix of every exchange and
 * queue it declares (tests use a random one so they never touch the dev topology). The prefix
 * must be the same in every process of a deployment.
 */
export function messagingEnvironment() {
  return {
    RABBITMQ_URL: z.string().regex(/^amqps?:\/\//, 'an amqp:// or amqps:// URL').default(DEFAULT_RABBITMQ_URL),
    MESSAGING_PREFIX: z.string().regex(/^[a-z0-9_.-]+$/i, 'letters, digits, dots, dashes, underscores').default(DEFAULT_MESSAGING_PREFIX),
    /** How often an outbox relay looks for unpublished rows when nothing nudged it (the most it waits when idle). */
    OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
    /**
     * How long an outbox relay (once nudged) or a consumer (once a message comes) waits for more
     * before it starts a batch, while messages come in a stream (its last batch began less than four
     * such waits ago): under load, fewer and larger transactions for at most this much more latency
     * per hop; after a quiet spell it starts at once. 0 never waits.
     */
    MESSAGE_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(1_000).default(5),
    /** How many times a consumer tries a message before it is parked in the dead-letter queue. */
    MESSAGE_DELIVERY_LIMIT: z.coerce.number().int().min(1).max(50).default(5),
  };
}

type MessagingEnvironment = z.output<z.ZodObject<ReturnType<typeof messagingEnvironment>>>;

/** The typed messaging settings from the variables above. */
export function messagingSettings(raw: MessagingEnvironment) {
  return {
    url: raw.RABBITMQ_URL,
    prefix: raw.MESSAGING_PREFIX,
    outboxPollMs: raw.OUTBOX_POLL_MS,
    batchWaitMs: raw.MESSAGE_BATCH_WAIT_MS,
    deliveryLimit: raw.MESSAGE_DELIVERY_LIMIT,
  };
}

/** `postgresql://…/shop_users` for a database name on the default or given server. */
export function databaseUrl(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Every process has a second, internal listener (`/metrics`, readiness details, the users
 * subgraph's JWKS) that only the cluster reaches. Unless INTERNAL_PORT says otherwise it listens
 * this far above the public port: gateway 4000 → 9000, users 4001 → 9001, catalog 4002 → 9002.
 */
export const INTERNAL_PORT_OFFSET = 5000;

/** Where the users subgraph publishes the public keys that verify access tokens (`JWKS_URL`): its internal listener. */
/**
 * The variable naming another service's internal listener, for synchronous reads
 * (platform/http/internal-read.ts): `<OWNER>_INTERNAL_URL`, by default that service's local
 * internal port. The test platform sets it to wherever the owner really listens.
 */
export function internalUrlVariable(ownerPort: number) {
  return env.url(`http://127.0.0.1:${ownerPort + INTERNAL_PORT_OFFSET}`);
}

export const DEFAULT_JWKS_URL = `http://127.0.0.1:${4001 + INTERNAL_PORT_OFFSET}/.well-known/jwks.json`;

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** A comma-separated list in one variable; blanks around items are ignored, an unset variable is empty. */
const commaList = (item: z.ZodString) =>
  z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((part) => part.trim()).filter((part) => part !== ''))
    .pipe(z.array(item));

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
 * What every process that serves HTTP reads (the gateway and each subgraph), with the same names
 * and defaults everywhere: where it listens, how long a client may take to send a request, the
 * request limits, the gateway's signing secrets and the metrics' operation names.
 */
export function serviceEnvironment(port: number) {
  return {
    NODE_ENV: env.nodeEnv(),
    HOST: env.host(),
    PORT: env.port(port),
    /** Default: PORT + INTERNAL_PORT_OFFSET, or any free port when PORT is 0. */
    INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    LOG_LEVEL: env.logLevel(),
    LOG_PRETTY: env.boolean(false),
    /** A client that has not sent a request's headers by then is cut off (408). */
    HEADERS_TIMEOUT_MS: env.positiveInt(5_000),
    /** …or its whole request, body included. */
    REQUEST_TIMEOUT_MS: env.positiveInt(10_000),
    MAX_BODY_BYTES: env.positiveInt(64 * 1024),
    MAX_QUERY_DEPTH: env.positiveInt(12),
    MAX_ALIASES: env.positiveInt(30),
    /** The gateway signs its subgraph requests with the first; subgraphs accept any (rotation). */
    GATEWAY_SIGNING_SECRETS: commaList(z.string().min(32, 'each signing secret needs at least 32 characters').regex(/^\S+$/, 'signing secrets hold no spaces'))
      .transform((secrets) => (secrets.length === 0 ? null : secrets)),
    /** How far a signature's time may be from this process' clock, either way. */
    GATEWAY_SIGNATURE_MAX_AGE_SECONDS: env.positiveInt(30),
    /** Operation names that always keep their own label in the metrics (see METRICS_MAX_FIRST_SEEN_OPERATIONS for the rest). */
    METRICS_KNOWN_OPERATIONS: commaList(z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'operation names are GraphQL names')),
    /** How many further names keep a label, first seen first served (0: none). */
    METRICS_MAX_FIRST_SEEN_OPERATIONS: z.coerce.number().int().min(0).max(1000).default(20),
    /** Where development keys are generated (git-ignored); never read in production. */
    DEV_SECRETS_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.dev-secrets')),
  };
}

type ServiceEnvironment = z.infer<z.ZodObject<ReturnType<typeof serviceEnvironment>>>;

/**
 * The rules across the variables above, for the config schema's `superRefine`: production brings
 * its own signing secrets (a generated one would differ per pod), and Node refuses a headers
 * timeout longer than the request timeout.
 */
export function serviceRules(values: Pick<ServiceEnvironment, 'NODE_ENV' | 'PORT' | 'INTERNAL_PORT' | 'HEADERS_TIMEOUT_MS' | 'REQUEST_TIMEOUT_MS' | 'GATEWAY_SIGNING_SECRETS'>, ctx: z.RefinementCtx): void {
  if (values.NODE_ENV === 'production' && !values.GATEWAY_SIGNING_SECRETS) {
    ctx.addIssue({ code: 'custom', path: ['GATEWAY_SIGNING_SECRETS'], message: 'is required when NODE_ENV=production' });
  }
  if (values.HEADERS_TIMEOUT_MS > values.REQUEST_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['HEADERS_TIMEOUT_MS'], message: 'must not exceed REQUEST_TIMEOUT_MS' });
  }
  const internalPort = internalPortFor(values.PORT, values.INTERNAL_PORT);
  if (internalPort > 65535) {
    ctx.addIssue({ code: 'custom', path: ['INTERNAL_PORT'], message: `PORT + ${INTERNAL_PORT_OFFSET} is no port; set INTERNAL_PORT` });
  } else if (internalPort !== 0 && internalPort === values.PORT) {
    ctx.addIssue({ code: 'custom', path: ['INTERNAL_PORT'], message: 'must differ from PORT' });
  }
}

function internalPortFor(port: number, internalPort: number | undefined): number {
  if (internalPort !== undefined) return internalPort;
  return port === 0 ? 0 : port + INTERNAL_PORT_OFFSET;
}

/** The typed settings from the variables above; what the HTTP listeners and the GraphQL servers take. */
export function serviceSettings(raw: ServiceEnvironment) {
  return {
    nodeEnv: raw.NODE_ENV,
    host: raw.HOST,
    port: raw.PORT,
    internalPort: internalPortFor(raw.PORT, raw.INTERNAL_PORT),
    logLevel: raw.LOG_LEVEL,
    logPretty: raw.LOG_PRETTY,
    headersTimeoutMs: raw.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: raw.REQUEST_TIMEOUT_MS,
    maxBodyBytes: raw.MAX_BODY_BYTES,
    maxQueryDepth: raw.MAX_QUERY_DEPTH,
    maxAliases: raw.MAX_ALIASES,
    gatewaySigning: {
      /** null outside production means "load or generate the development secret in devSecretsDir". */
      secrets: raw.GATEWAY_SIGNING_SECRETS,
      maxAgeSeconds: raw.GATEWAY_SIGNATURE_MAX_AGE_SECONDS,
      devSecretsDir: path.resolve(raw.DEV_SECRETS_DIR),
    },
    metrics: { knownOperations: raw.METRICS_KNOWN_OPERATIONS, maxFirstSeenOperations: raw.METRICS_MAX_FIRST_SEEN_OPERATIONS },
  };
}

export type ServiceSettings = ReturnType<typeof serviceSettings>;

/**
 * The variables every subgraph reads, with the same names and local defaults everywhere: the
 * service variables above plus its database, Redis and RabbitMQ. A subgraph's config.ts spreads these into
 * its zod object, adds its own (one that verifies access tokens against the issuer adds
 * `JWKS_URL: env.url(DEFAULT_JWKS_URL)`) and checks `serviceRules` in its `superRefine`.
 */
export function subgraphEnvironment(name: string, port: number) {
  return {
    ...serviceEnvironment(port),
    DATABASE_URL: env.url(databaseUrl(DEFAULT_POSTGRES_URL, `shop_${name}`)),
    /** Connections this process may hold to its database. */
    DATABASE_POOL_SIZE: env.positiveInt(10),
    REDIS_URL: env.url(DEFAULT_REDIS_URL),
    REDIS_KEY_PREFIX: z.string().min(1).default(`shop:${name}:`),
    ...accessTokenEnvironment(),
    ...messagingEnvironment(),
  };
}

type SubgraphEnvironment = z.output<z.ZodObject<ReturnType<typeof subgraphEnvironment>>>;

/** The common part of every subgraph's typed config, from the variables above. */
export function subgraphSettings(raw: SubgraphEnvironment) {
  return {
    ...serviceSettings(raw),
    databaseUrl: raw.DATABASE_URL,
    databasePoolSize: raw.DATABASE_POOL_SIZE,
    redis: { url: raw.REDIS_URL, keyPrefix: raw.REDIS_KEY_PREFIX },
    ...accessTokenSettings(raw),
    messaging: messagingSettings(raw),
  };
}
