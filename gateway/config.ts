import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { env, loadConfig, processEnv } from '../platform/config/load-config.ts';

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

const subgraphUrlKey = z
  .string()
  .regex(new RegExp(`^${SUBGRAPH_URL_PREFIX}[A-Za-z][A-Za-z0-9_]*$`), 'must name a subgraph, e.g. SUBGRAPH_URL_USERS');

const schema = z
  .preprocess(
    gatherSubgraphUrls,
    z.object({
      HOST: env.host(),
      PORT: env.port(4000),
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      LOG_PRETTY: env.boolean(false),
      SUPERGRAPH_PATH: z.string().min(1).default(DEFAULT_SUPERGRAPH_PATH),
      SUBGRAPH_URLS: z.record(subgraphUrlKey, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of the subgraph GraphQL endpoint' })),
      JWKS_URL: env.url('http://127.0.0.1:4001/.well-known/jwks.json'),
      MAX_QUERY_DEPTH: env.positiveInt(12),
      MAX_ALIASES: env.positiveInt(30),
      MAX_QUERY_COST: env.positiveInt(20_000),
      QUERY_COST_DEFAULT_LIST_SIZE: env.positiveInt(10),
      MAX_BODY_BYTES: env.positiveInt(64 * 1024),
      SUBGRAPH_TIMEOUT_MS: env.positiveInt(10_000),
      SUBGRAPH_MAX_SOCKETS: env.positiveInt(256),
      GATEWAY_APOLLO_TELEMETRY: env.boolean(false),
      GATEWAY_WORKERS: env.positiveInt(1),
      SHUTDOWN_GRACE_MS: env.positiveInt(10_000),
    }),
  )
  .transform((values) => {
    const development = values.NODE_ENV === 'development';
    const subgraphUrls = Object.fromEntries(
      Object.entries(values.SUBGRAPH_URLS).map(([key, url]) => [key.slice(SUBGRAPH_URL_PREFIX.length).toLowerCase(), url]),
    );
    return {
      host: values.HOST,
      port: values.PORT,
      nodeEnv: values.NODE_ENV,
      logLevel: values.LOG_LEVEL,
      logPretty: values.LOG_PRETTY,
      supergraphPath: values.SUPERGRAPH_PATH,
      /** Subgraph name (lowercase) → GraphQL URL, replacing the supergraph's routing URL. */
      subgraphUrls,
      jwksUrl: values.JWKS_URL,
      maxQueryDepth: values.MAX_QUERY_DEPTH,
      maxAliases: values.MAX_ALIASES,
      /** Operations estimated above it are refused (gateway/cost, from the supergraph's @cost and @listSize). */
      maxQueryCost: values.MAX_QUERY_COST,
      /** The size the cost estimate gives a list whose @listSize gives none. */
      queryCostDefaultListSize: values.QUERY_COST_DEFAULT_LIST_SIZE,
      maxBodyBytes: values.MAX_BODY_BYTES,
      subgraphTimeoutMs: values.SUBGRAPH_TIMEOUT_MS,
      subgraphMaxSockets: values.SUBGRAPH_MAX_SOCKETS,
      /** Opt-in: let @apollo/gateway probe cloud-metadata addresses and send Apollo usage metrics. */
      apolloTelemetry: values.GATEWAY_APOLLO_TELEMETRY,
      workers: values.GATEWAY_WORKERS,
      shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
      // Schema exploration is a developer convenience; elsewhere it only helps attackers map the API.
      introspection: development,
      landingPage: development,
    };
  });

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
