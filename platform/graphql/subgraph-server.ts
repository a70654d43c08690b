import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import type { AccessTokenVerifier } from '../auth/access-token.ts';
import type { ServiceSettings } from '../config/load-config.ts';
import { isCallerGone } from '../http/caller-signal.ts';
import type { ReadinessCheck } from '../http/health.ts';
import type { Routes } from '../http/http-server.ts';
import { startServiceHttp, type RunningService } from '../http/service-http.ts';
import type { Logger } from '../logging/logger.ts';
import { createMetrics, metricsPlugin } from '../metrics/metrics.ts';
import { requestTextGuardPlugin } from '../validation/request-text.plugin.ts';
import { apolloRoute, type RouteRefusal } from './apollo-route.ts';
import { maskUnexpectedErrors } from './error-masking.ts';
import { createGatewaySignatureVerifier, gatewaySigningSecrets } from './gateway-signature.ts';
import { formatQueryLimitError, queryLimitRules } from './limits/query-limits.ts';
import { baseRequestContext, CLIENT_IP_HEADER, type BaseRequestContext } from './request-context.ts';
import { viewerCacheScopePlugin } from './viewer-cache-scope.plugin.ts';

/** @apollo/subgraph does not export its resolver-map type; codegen's typed map is checked where it is written. */
type SubgraphResolvers = NonNullable<Parameters<typeof buildSubgraphSchema>[0] extends infer M
  ? M extends readonly (infer Module)[] ? Module extends { resolvers?: infer R } ? R : never : never
  : never>;

/** What the subgraph server takes from the process' config (the common service variables). */
export type SubgraphServerSettings = Pick<
  ServiceSettings,
  | 'nodeEnv'
  | 'host'
  | 'port'
  | 'internalPort'
  | 'headersTimeoutMs'
  | 'requestTimeoutMs'
  | 'maxBodyBytes'
  | 'maxQueryDepth'
  | 'maxAliases'
  | 'gatewaySigning'
  | 'metrics'
>;

export interface SubgraphServerOptions<TContext extends BaseRequestContext> {
  name: string;
  typeDefs: DocumentNode;
  /** The codegen-typed resolver map (`Resolvers<TContext>`). */
  resolvers: object;
  /** Listeners, request limits, the gateway's signing secrets, metrics labels: the subgraph's config. */
  settings: SubgraphServerSettings;
  logger: Logger;
  verifier: AccessTokenVerifier;
  readiness: ReadinessCheck[];
  /**
   * Adds the subgraph's own per-request pieces (DataLoaders, services) to the base context.
   * `signal` fires when the caller (the gateway) closes the connection before the answer is sent:
   * the scope carries it so loaders and list reads stop instead of working for nobody.
   */
  createContext: (base: BaseRequestContext, signal: AbortSignal) => TContext;
  /** Routes for the cluster only, on the internal listener, e.g. the users subgraph's JWKS. */
  internalRoutes?: Routes;
  /**
   * Routes on the public listener that outsiders call directly (a payment provider's webhook).
   * They are not behind the gateway signature, so each must check its caller itself; they can
   * never replace `/graphql`, which stays gateway-only.
   */
  publicRoutes?: Routes;
  /** Clients the subgraph owns (database, Redis), closed in order after the server stops, or when it fails to start. */
  resources?: { name: string; close(): Promise<void> }[];
}

export interface RunningSubgraph extends RunningService {
  /** The GraphQL endpoint, for supergraph.yaml and the gateway. */
  graphqlUrl: string;
}

/**
 * The one way every subgraph is served: Apollo Server 5 over `buildSubgraphSchema`, on node:http
 * with /graphql and health on the public listener, /metrics and readiness details on the
 * internal one (platform/http/service-http.ts). Only the gateway may call /graphql: a request
 * without its valid signature is refused before anything is parsed, so a caller who reaches the
 * port directly can neither pick the client address that rate limits count, nor read
 * `_entities` it could not read through the gateway. What does get through meets the same body,
 * depth and alias limits as at the gateway. Subgraphs never show a landing page.
 */
export async function startSubgraphServer<TContext extends BaseRequestContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<RunningSubgraph> {
  const { settings } = options;
  const logger = options.logger.child({ component: 'http' });
  const closeResources = async () => {
    for (const resource of options.resources ?? []) {
      try {
        await resource.close();
      } catch (error) {
        logger.warn({ err: error, resource: resource.name }, 'could not close cleanly');
      }
    }
  };
  // The gateway names each subgraph fetch `<client operation>__<subgraph>__<n>`.
  const fetchSuffix = new RegExp(`__${options.name}__\\d+$`);
  const metrics = createMetrics(options.name, settings.metrics, (operation) => operation.replace(fetchSuffix, ''));
  const mask = maskUnexpectedErrors(logger);
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers as SubgraphResolvers }]),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Traces are for Apollo's hosted studio, which this platform does not report to.
      ApolloServerPluginInlineTraceDisabled(),
      metricsPlugin<TContext>(metrics),
      requestTextGuardPlugin<TContext>(),
      // Apollo's cache-control plugin (on by default) answers with the SDL's @cacheControl hints as
      // Cache-Control, which the gateway combines; this keeps signed-in callers' answers out of shared caches.
      viewerCacheScopePlugin<TContext>(),
    ],
    validationRules: queryLimitRules(settings),
    // The process' own shutdown sequence (platform/lifecycle) stops Apollo in order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    // Work stopped because the caller left is expected, and nobody reads the answer: not logged per field.
    formatError: (formatted, error) => (isCallerGone(error) ? formatted : (formatQueryLimitError(formatted, error) ?? mask(formatted, error))),
    csrfPrevention: true,
  });
  // Every request that reaches the context passed the signature check, so x-client-ip is the gateway's word.
  const contextFor = async (req: IncomingMessage, signal: AbortSignal) => {
    const forwardedIp = req.headers[CLIENT_IP_HEADER];
    const clientIp = typeof forwardedIp === 'string' && forwardedIp ? forwardedIp : (req.socket.remoteAddress ?? 'unknown');
    const base = await baseRequestContext(req, options.verifier, options.logger, clientIp);
    signal.addEventListener('abort', () => base.logger.info('the caller went away; stopping the request'), { once: true });
    return options.createContext(base, signal);
  };
  let http: RunningService;
  try {
    const signatures = createGatewaySignatureVerifier({
      secrets: gatewaySigningSecrets(settings, logger),
      maxAgeSeconds: settings.gatewaySigning.maxAgeSeconds,
    });
    const fromGatewayOnly = (req: IncomingMessage, body: Buffer): RouteRefusal | null => {
      const refusal = signatures.verify({
        method: req.method ?? 'GET',
        target: req.url ?? '/',
        header: (name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        body,
      });
      if (refusal) logger.warn({ code: refusal.code, reason: refusal.reason, remoteAddress: req.socket.remoteAddress }, 'refused a request without a valid gateway signature');
      return refusal;
    };
    await apollo.start();
    http = await startServiceHttp({
      settings,
      logger,
      routes: {
        ...options.publicRoutes,
        '/graphql': apolloRoute({ server: apollo, context: contextFor, maxBodyBytes: settings.maxBodyBytes, authenticate: fromGatewayOnly }),
      },
      internalRoutes: options.internalRoutes,
      readiness: options.readiness,
      metrics,
    });
  } catch (error) {
    await apollo.stop().catch(() => undefined);
    await closeResources();
    throw error;
  }
  logger.info({ url: `${http.url}/graphql`, internalUrl: http.internalUrl }, `${options.name} subgraph listening`);
  let closed: Promise<void> | null = null;
  const stop = async () => {
    await http.close();
    await apollo.stop();
    await closeResources();
  };
  return { ...http, graphqlUrl: `${http.url}/graphql`, close: () => (closed ??= stop()) };
}
