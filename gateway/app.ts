import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { createAccessTokenVerifier, type AccessTokenVerifier } from '../platform/auth/access-token.ts';
import { openSessionRevocations } from '../platform/auth/session-revocations.ts';
import { apolloRoute } from '../platform/graphql/apollo-route.ts';
import { createGatewaySigner, gatewaySigningSecrets } from '../platform/graphql/gateway-signature.ts';
import { INTROSPECTION_MAX_DEPTH } from '../platform/graphql/limits/query-depth.rule.ts';
import { queryLimitRules } from '../platform/graphql/limits/query-limits.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../platform/graphql/request-context.ts';
import type { ReadinessCheck } from '../platform/http/health.ts';
import type { RouteHandler } from '../platform/http/http-server.ts';
import { startServiceHttp, type RunningService } from '../platform/http/service-http.ts';
import type { Logger } from '../platform/logging/logger.ts';
import { metricsPlugin } from '../platform/metrics/metrics.ts';
import { closeRedis, createRedis } from '../platform/redis/redis.ts';
import { requestTextGuardPlugin } from '../platform/validation/request-text.plugin.ts';
import { httpCachingPlugin } from './apq/http-caching.plugin.ts';
import { persistedQueriesOption } from './apq/persisted-queries.ts';
import { applyApolloTelemetryChoice, type GatewayConfig } from './config.ts';
import { gatewayContext, type GatewayContext } from './context.ts';
import { redisBudgets } from './budgets/budgets.ts';
import { demandControlPlugin } from './cost/demand-control.plugin.ts';
import { gatewayErrorFormatter } from './format-error.ts';
import { abortWhenCallerLeaves } from './http/caller-aborts.ts';
import { withCors } from './http/cors.ts';
import type { Fetcher, SubgraphFetcherFactory } from './http/fetcher.ts';
import { resendSafeRequestsOnce } from './http/safe-resend.ts';
import { SubgraphDataSource } from './http/subgraph-data-source.ts';
import { createUndiciFetcher } from './http/undici-fetcher.ts';
import { httpOperationPlugin } from './http-operation.plugin.ts';
import { loadFirstPartyManifest } from './partners/first-party-manifest.ts';
import { createPartnerStore } from './partners/partner-store.ts';
import { safelistPlugin } from './partners/safelist.plugin.ts';
import { createGatewayMetrics } from './metrics.ts';
import { valueCompletionErrorsPlugin } from './value-completion.plugin.ts';
import { loadSupergraph, routeSubgraphs, type SupergraphSubgraph } from './supergraph/load-supergraph.ts';

export interface RunningGateway extends RunningService {
  /** The public GraphQL endpoint. */
  graphqlUrl: string;
}

export interface GatewayDependencies {
  /** Verifies access tokens; by default against the users subgraph's JWKS (config.jwksUrl) and the list of ended sessions in Redis. */
  verifier?: AccessTokenVerifier;
  /** Makes the subgraph HTTP client (the gateway closes it when it stops); the bench swaps it to compare clients. */
  fetcher?: SubgraphFetcherFactory;
  /**
   * False leaves out the cost check and the budgets (the demand-control plugin) whatever the
   * config says: only the bench sets it, to measure what they cost side by side.
   */
  demandControl?: boolean;
}

/**
 * Serves the static supergraph as one GraphQL endpoint on node:http: /graphql and health on the
 * public listener; /metrics and readiness details (the supergraph is loaded and every subgraph is
 * ready) on the internal one. Every subgraph request carries the gateway's signature.
 */
export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  dependencies: GatewayDependencies = {},
): Promise<RunningGateway> {
  const log = logger.child({ component: 'gateway' });
  const supergraph = await loadSupergraph(config.supergraphPath);
  const subgraphs = routeSubgraphs(supergraph.subgraphs, config.subgraphUrls);
  const urls = new Map(subgraphs.map((subgraph) => [subgraph.name, subgraph.url]));
  const sessions = dependencies.verifier ? null : openSessionRevocations(config.sessionRevocations, logger);
  const verifier = dependencies.verifier ?? createAccessTokenVerifier({ jwksUrl: config.jwksUrl }, { policy: config.tokenPolicy, sessions });
  const firstParty = config.partners.firstPartyManifestPath ? await loadFirstPartyManifest(config.partners.firstPartyManifestPath) : null;
  const metrics = createGatewayMetrics(config.metrics);
  const signer = createGatewaySigner(gatewaySigningSecrets(config, log));
  const fetcher = (dependencies.fetcher ?? createUndiciFetcher)({
    maxSockets: config.subgraphMaxSockets,
    timeoutMs: config.subgraphTimeoutMs,
  });
  const fetch = resendSafeRequestsOnce(abortWhenCallerLeaves(fetcher.fetch));
  const demandControl = dependencies.demandControl ?? true;
  // The gateway's one connection for its own keys: budgets (BUDGETS_KEY_PREFIX), partner keys and
  // manifests (PARTNERS_KEY_PREFIX) and persisted queries (APQ_KEY_PREFIX). No client keyPrefix:
  // each feature prefixes its own keys. The session list has its own (platform code the subgraphs share).
  const redis = createRedis({ url: config.redisUrl, keyPrefix: '' }, logger.child({ redis: 'gateway' }));
  const budgets = demandControl && config.budgets ? redisBudgets(redis, config.budgets, logger, metrics.registry) : null;
  // Partner keys and manifests, as the users subgraph mirrors them (gateway/partners).
  const partners = createPartnerStore(redis, { keyPrefix: config.partners.keyPrefix, cacheMs: config.partners.cacheMs });
  const releaseClients = async () => {
    fetcher.close();
    await sessions?.close();
    await closeRedis(redis);
  };

  applyApolloTelemetryChoice(config);
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.sdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name, url }) =>
      new SubgraphDataSource({ name, url: urls.get(name) ?? url ?? '', fetcher: fetch, fetches: metrics.subgraphFetches, signer }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger: logger.child({ component: 'apollo-server' }),
    nodeEnv: config.nodeEnv,
    introspection: config.introspection,
    // Without introspection, "did you mean …" suggestions would still map the schema for a stranger.
    hideSchemaDetailsFromClientErrors: !config.introspection,
    includeStacktraceInErrorResponses: false,
    // Also what keeps GET safe: a GET must carry `apollo-require-preflight` or `x-apollo-operation-name`.
    csrfPrevention: true,
    persistedQueries: persistedQueriesOption(redis, { ...config.persistedQueries, maxDocumentLength: config.maxBodyBytes }, log),
    // main.ts owns signals, so shutdown runs in order (stop accepting, drain, then stop Apollo).
    stopOnTerminationSignals: false,
    validationRules: queryLimitRules(config, { introspectionMaxDepth: config.introspection ? INTROSPECTION_MAX_DEPTH : undefined }),
    // Variable errors carry "did you mean" hints too, which only the formatter sees.
    formatError: gatewayErrorFormatter(log, { suggestions: config.introspection }),
    plugins: [
      config.landingPage ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      // First: it may swap the request's query for its manifest body before anything reads it.
      safelistPlugin({ partners, firstParty }),
      metricsPlugin<GatewayContext>(metrics),
      valueCompletionErrorsPlugin<GatewayContext>(log),
      httpOperationPlugin<GatewayContext>(),
      httpCachingPlugin<GatewayContext>(),
      requestTextGuardPlugin<GatewayContext>(),
      ...(demandControl
        ? [demandControlPlugin({ supergraphSdl: supergraph.sdl, maxCost: config.maxQueryCost, defaultListSize: config.queryCostDefaultListSize, budgets })]
        : []),
    ],
  });
  try {
    await apollo.start();
  } catch (error) {
    await releaseClients();
    throw error;
  }

  let http: RunningService;
  try {
    http = await startServiceHttp({
      settings: config,
      logger: log,
      shutdownGraceMs: config.shutdownGraceMs,
      routes: {
        '/graphql': withCors(
          config.corsAllowedOrigins,
          withRequestId(
            apolloRoute({
              server: apollo,
              context: gatewayContext(verifier, logger, config.trustedProxies, partners),
              maxBodyBytes: config.maxBodyBytes,
              // Its subgraph fetches (made by @apollo/gateway) stop when their client leaves.
              shareSignal: true,
            }),
          ),
        ),
      },
      readiness: readinessChecks(subgraphs, fetch),
      metrics,
    });
  } catch (error) {
    await apollo.stop();
    await releaseClients();
    throw error;
  }
  log.info({ url: `${http.url}/graphql`, internalUrl: http.internalUrl, subgraphs }, 'gateway listening');

  return {
    ...http,
    graphqlUrl: `${http.url}/graphql`,
    close: async () => {
      await http.close();
      await apollo.stop();
      await releaseClients();
    },
  };
}

/**
 * One id follows a request through every service: the caller's (when sane) or a new one,
 * written back onto the request so the context reads the same id, and echoed to the client
 * even when the request is refused before GraphQL runs (413, bad JSON, bad token).
 */
function withRequestId(handler: RouteHandler): RouteHandler {
  return (req, res) => {
    const requestId = requestIdFrom(req);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    return handler(req, res);
  };
}

/** Ready when every subgraph says it is ready: a gateway whose subgraphs cannot serve should get no traffic. */
function readinessChecks(subgraphs: SupergraphSubgraph[], fetch: Fetcher): ReadinessCheck[] {
  return subgraphs.map((subgraph) => {
    const healthUrl = subgraphHealthUrl(subgraph.url);
    return {
      name: `subgraph:${subgraph.name}`,
      check: async () => {
        const response = await fetch(healthUrl, { method: 'GET' });
        if (!response.ok) throw new Error(`${healthUrl} answered ${response.status}`);
      },
    };
  });
}

/** `http://host:4001/graphql` → `http://host:4001/health/ready` (the platform serves both). */
export function subgraphHealthUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '') + '/health/ready';
  url.search = '';
  return url.toString();
}
