import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { accessTokenEnvironment, accessTokenSettings, DEFAULT_JWKS_URL, DEFAULT_REDIS_URL, env, loadConfig, processEnv, serviceEnvironment, serviceRules, serviceSettings } from '../platform/config/load-config.ts';
import { parseBudget, type BudgetPolicy } from './budgets/budget-policy.ts';
import { parseAddressRange, type AddressRange } from './client-ip.ts';
import { ANY_ORIGIN, parseCorsOrigin } from './http/cors.ts';

/** `SUBGRAPH_URL_USERS=http://…/graphql` points the `users` subgraph somewhere else than the supergraph says. */
export const SUBGRAPH_URL_PREFIX = 'SUBGRAPH_URL_';

const DEFAULT_SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

/** Moves every SUBGRAPH_URL_* variable into one record, so zod checks them with everything else. */
function gatherSubgraphUrls(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const urls: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (key.startsWith(SUBGRAPH_URL_PREFIX)) urls[key] = value;
  return { ...input, SUBGRAPH_URLS: urls };
}

/** A comma-separated list, each entry parsed (null: invalid); every invalid entry is named in one issue. */
const commaList = <T>(parse: (entry: string) => T | null, expected: string) =>
  z
    .string()
    .default('')
    .transform((value, ctx): T[] => {
      const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
      const parsed = entries.map(parse);
      const invalid = entries.filter((_entry, index) => parsed[index] === null);
      if (invalid.length > 0) {
        ctx.addIssue({ code: 'custom', message: `must list ${expected} separated by commas; not one: ${invalid.join(', ')}` });
        return z.NEVER;
      }
      return parsed.filter((entry) => entry !== null);
    });

/** `TRUSTED_PROXIES=10.0.0.0/8,192.0.2.7`: the load balancers whose X-Forwarded-For is believed; empty trusts none. */
const trustedProxies = commaList<AddressRange>(parseAddressRange, 'IP addresses or CIDR blocks');

/** `BUDGET_ANONYMOUS=20000/60s`: a token bucket of 20000 cost points, refilled in full over 60 s (units ms, s, m, h). */
const budget = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx): BudgetPolicy => {
      const policy = parseBudget(value);
      if (policy) return policy;
      ctx.addIssue({ code: 'custom', message: `must be <capacity>/<refill time>, e.g. 20000/60s (units ms, s, m, h); not ${value}` });
      return z.NEVER;
    });

const BUDGET_VARIABLES = { anonymous: 'BUDGET_ANONYMOUS', customer: 'BUDGET_CUSTOMER', partner: 'BUDGET_PARTNER', admin: 'BUDGET_ADMIN' } as const;

/** `CORS_ALLOWED_ORIGINS=https://shop.example,https://admin.shop.example`: exact origins browsers may call from; empty = no CORS. */
const corsAllowedOrigins = commaList(parseCorsOrigin, 'origins like https://shop.example (no path) or *').transform((origins) => [...new Set(origins)]);

const subgraphUrlKey = z
  .string()
  .regex(new RegExp(`^${SUBGRAPH_URL_PREFIX}[A-Za-z][A-Za-z0-9_]*$`), 'must name a subgraph, e.g. SUBGRAPH_URL_USERS');

const schema = z
  .preprocess(
    gatherSubgraphUrls,
    z.object({
      ...serviceEnvironment(4000),
      SUPERGRAPH_PATH: z.string().min(1).default(DEFAULT_SUPERGRAPH_PATH),
      SUBGRAPH_URLS: z.record(subgraphUrlKey, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of the subgraph GraphQL endpoint' })),
      JWKS_URL: env.url(DEFAULT_JWKS_URL),
      /** The list of ended sessions (SESSIONS_KEY_PREFIX), shared with every subgraph, the budgets (BUDGETS_KEY_PREFIX), partner keys (PARTNERS_KEY_PREFIX) and APQ documents (APQ_KEY_PREFIX). */
      REDIS_URL: env.url(DEFAULT_REDIS_URL),
      ...accessTokenEnvironment(),
      MAX_ROOT_MUTATION_FIELDS: env.positiveInt(1),
      TRUSTED_PROXIES: trustedProxies,
      CORS_ALLOWED_ORIGINS: corsAllowedOrigins,
      MAX_QUERY_COST: env.positiveInt(20_000),
      QUERY_COST_DEFAULT_LIST_SIZE: env.positiveInt(10),
      /** Off: operations spend no budget (MAX_QUERY_COST still holds). */
      RATE_LIMITS_ENABLED: env.boolean(true),
      // Sized so a storefront page (tens to hundreds of points) never notices, while a loop of maximal queries is slowed to one every few seconds.
      BUDGET_ANONYMOUS: budget('40000/60s'),
      BUDGET_CUSTOMER: budget('60000/60s'),
      BUDGET_PARTNER: budget('100000/60s'),
      BUDGET_ADMIN: budget('200000/60s'),
      /** Where the buckets live in Redis (REDIS_URL): the same for every gateway instance, or each keeps its own budgets. */
      BUDGETS_KEY_PREFIX: z.string().min(1).default('shop:budgets:'),
      SUBGRAPH_TIMEOUT_MS: env.positiveInt(10_000),
      SUBGRAPH_MAX_SOCKETS: env.positiveInt(256),
      GATEWAY_APOLLO_TELEMETRY: env.boolean(false),
      /** Automatic persisted queries: where in Redis (shared by every instance) and for how long documents are kept. */
      APQ_KEY_PREFIX: z.string().min(1).default('shop:apq:'),
      APQ_TTL_SECONDS: env.positiveInt(86_400),
      GATEWAY_WORKERS: env.positiveInt(1),
      SHUTDOWN_GRACE_MS: env.positiveInt(10_000),
      /** Where the users subgraph mirrors partner keys and manifests: the same value as its own PARTNERS_KEY_PREFIX. */
      PARTNERS_KEY_PREFIX: z.string().min(1).default('shop:partners:'),
      /** How long a partner key or manifest entry is kept in process: the longest a revocation takes to reach this gateway. */
      PARTNER_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
      /** An Apollo persisted-query manifest; when set, callers other than partners may run only its operations, by id. */
      FIRST_PARTY_MANIFEST_PATH: env.optionalString(),
    }).superRefine((values, ctx) => {
      serviceRules(values, ctx);
      budgetRules(values, ctx);
      // Any site's scripts calling with a user's token is a development convenience only.
      if (values.NODE_ENV === 'production' && values.CORS_ALLOWED_ORIGINS.includes(ANY_ORIGIN)) {
        ctx.addIssue({ code: 'custom', path: ['CORS_ALLOWED_ORIGINS'], message: 'may not be * when NODE_ENV=production; list the exact origins' });
      }
    }),
  )
  .transform((values) => {
    const development = values.NODE_ENV === 'development';
    const subgraphUrls = Object.fromEntries(
      Object.entries(values.SUBGRAPH_URLS).map(([key, url]) => [key.slice(SUBGRAPH_URL_PREFIX.length).toLowerCase(), url]),
    );
    return {
      ...serviceSettings(values),
      supergraphPath: values.SUPERGRAPH_PATH,
      /** Subgraph name (lowercase) → GraphQL URL, replacing the supergraph's routing URL. */
      subgraphUrls,
      jwksUrl: values.JWKS_URL,
      ...accessTokenSettings(values),
      maxRootMutationFields: values.MAX_ROOT_MUTATION_FIELDS,
      /** Where a request's client address may come from X-Forwarded-For (see client-ip.ts). */
      trustedProxies: values.TRUSTED_PROXIES,
      /** Browser origins answered with CORS headers on /graphql (gateway/http/cors.ts); empty sends none. */
      corsAllowedOrigins: values.CORS_ALLOWED_ORIGINS,
      /** Operations estimated above it are refused (gateway/cost, from the supergraph's @cost and @listSize). */
      maxQueryCost: values.MAX_QUERY_COST,
      /** The size the cost estimate gives a list whose @listSize gives none. */
      queryCostDefaultListSize: values.QUERY_COST_DEFAULT_LIST_SIZE,
      /** Token buckets per caller, sized by caller class (gateway/budgets); null when RATE_LIMITS_ENABLED=false. */
      budgets: values.RATE_LIMITS_ENABLED
        ? {
            keyPrefix: values.BUDGETS_KEY_PREFIX,
            policies: {
              anonymous: values.BUDGET_ANONYMOUS,
              customer: values.BUDGET_CUSTOMER,
              partner: values.BUDGET_PARTNER,
              admin: values.BUDGET_ADMIN,
            },
          }
        : null,
      subgraphTimeoutMs: values.SUBGRAPH_TIMEOUT_MS,
      subgraphMaxSockets: values.SUBGRAPH_MAX_SOCKETS,
      /** Opt-in: let @apollo/gateway probe cloud-metadata addresses and send Apollo usage metrics. */
      apolloTelemetry: values.GATEWAY_APOLLO_TELEMETRY,
      /** The gateway's one Redis connection for its own keys (budgets, partner keys, APQ documents), each under its key prefix; the session list has its own. */
      redisUrl: values.REDIS_URL,
      /** Automatic persisted queries in Redis: every key under `keyPrefix`, each kept `ttlSeconds` at most. */
      persistedQueries: { keyPrefix: values.APQ_KEY_PREFIX, ttlSeconds: values.APQ_TTL_SECONDS },
      workers: values.GATEWAY_WORKERS,
      shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
      partners: {
        /** Read on the gateway's Redis connection; the key space is shared with the users subgraph (it writes, the gateway reads). */
        keyPrefix: values.PARTNERS_KEY_PREFIX,
        cacheMs: values.PARTNER_KEY_CACHE_MS,
        /** null: first-party clients are not held to a manifest. */
        firstPartyManifestPath: values.FIRST_PARTY_MANIFEST_PATH,
      },
      // Schema exploration is a developer convenience; elsewhere it only helps attackers map the API.
      introspection: development,
      landingPage: development,
    };
  });

/** A budget smaller than MAX_QUERY_COST would let through operations that can never be paid for: refuse the configuration instead. */
function budgetRules(values: { MAX_QUERY_COST: number; RATE_LIMITS_ENABLED: boolean } & Record<(typeof BUDGET_VARIABLES)[keyof typeof BUDGET_VARIABLES], BudgetPolicy>, ctx: z.RefinementCtx): void {
  if (!values.RATE_LIMITS_ENABLED) return;
  for (const variable of Object.values(BUDGET_VARIABLES)) {
    const { capacity } = values[variable];
    if (capacity < values.MAX_QUERY_COST) {
      ctx.addIssue({ code: 'custom', path: [variable], message: `capacity ${capacity} is below MAX_QUERY_COST (${values.MAX_QUERY_COST}): an operation the cost limit allows could never run` });
    }
  }
}

export type GatewayConfig = z.infer<typeof schema>;

/** Reads and validates the gateway's environment once; throws ConfigError listing every problem. */
export function loadGatewayConfig(source: Record<string, string | undefined> = processEnv()): GatewayConfig {
  return loadConfig('gateway', schema, source);
}

/** @apollo/gateway reads this when it is constructed; `1` or `true` keeps it from calling out. */
const APOLLO_TELEMETRY_DISABLED = 'APOLLO_TELEMETRY_DISABLED';

/**
 * Unless the operator opted in, `new ApolloGateway()` would probe cloud-metadata addresses
 * (169.254.169.254, metadata.google.internal, …) and schedule a usage-metrics export to Apollo:
 * outbound calls nobody configured. So before constructing it, the gateway sets
 * APOLLO_TELEMETRY_DISABLED=1, or removes it when GATEWAY_APOLLO_TELEMETRY opts in (one switch,
 * even where an image sets APOLLO_TELEMETRY_DISABLED by default).
 */
export function applyApolloTelemetryChoice(
  config: Pick<GatewayConfig, 'apolloTelemetry'>,
  environment: Record<string, string | undefined> = processEnv(),
): void {
  if (config.apolloTelemetry) delete environment[APOLLO_TELEMETRY_DISABLED];
  else environment[APOLLO_TELEMETRY_DISABLED] = '1';
}
