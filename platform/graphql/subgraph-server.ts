import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import type { AccessTokenVerifier } from '../auth/access-token.ts';
import { isCallerGone } from '../http/caller-signal.ts';
import { healthRoutes, type ReadinessCheck } from '../http/health.ts';
import { startHttpServer, type RunningHttpServer, type Routes } from '../http/http-server.ts';
import type { Logger } from '../logging/logger.ts';
import { createMetrics, metricsPlugin, metricsRoute } from '../metrics/metrics.ts';
import { apolloRoute } from './apollo-route.ts';
import { maskUnexpectedErrors } from './error-masking.ts';
import { baseRequestContext, CLIENT_IP_HEADER, type BaseRequestContext } from './request-context.ts';

/** @apollo/subgraph does not export its resolver-map type; codegen's typed map is checked where it is written. */
type SubgraphResolvers = NonNullable<Parameters<typeof buildSubgraphSchema>[0] extends infer M
  ? M extends readonly (infer Module)[] ? Module extends { resolvers?: infer R } ? R : never : never
  : never>;

export interface SubgraphServerOptions<TContext extends BaseRequestContext> {
  name: string;
  typeDefs: DocumentNode;
  /** The codegen-typed resolver map (`Resolvers<TContext>`). */
  resolvers: object;
  host: string;
  port: number;
  logger: Logger;
  verifier: AccessTokenVerifier;
  readiness: ReadinessCheck[];
  /**
   * Adds the subgraph's own per-request pieces (DataLoaders, services) to the base context.
   * `signal` fires when the caller (the gateway) closes the connection before the answer is sent:
   * the scope carries it so loaders and list reads stop instead of working for nobody.
   */
  createContext: (base: BaseRequestContext, signal: AbortSignal) => TContext;
  /** Extra HTTP routes, e.g. the users subgraph's JWKS. */
  routes?: Routes;
  /** Clients the subgraph owns (database, Redis), closed in order after the server stops, or when it fails to start. */
  resources?: { name: string; close(): Promise<void> }[];
  maxBodyBytes?: number;
}

export interface RunningSubgraph extends RunningHttpServer {
  /** The GraphQL endpoint, for supergraph.yaml and the gateway. */
  graphqlUrl: string;
}

/**
 * The one way every subgraph is served: Apollo Server 5 over `buildSubgraphSchema`, on
 * node:http with /graphql, /health/live, /health/ready and /metrics. Subgraphs only talk to
 * the gateway, so they never show a landing page.
 */
export async function startSubgraphServer<TContext extends BaseRequestContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<RunningSubgraph> {
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
  const metrics = createMetrics(options.name);
  const mask = maskUnexpectedErrors(logger);
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers as SubgraphResolvers }]),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Traces are for Apollo's hosted studio, which this platform does not report to.
      ApolloServerPluginInlineTraceDisabled(),
      metricsPlugin<TContext>(metrics),
    ],
    // The process' own shutdown sequence (platform/lifecycle) stops Apollo in order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    // Work stopped because the caller left is expected, and nobody reads the answer: not logged per field.
    formatError: (formatted, error) => (isCallerGone(error) ? formatted : mask(formatted, error)),
    csrfPrevention: true,
  });
  let shuttingDown = false;
  const contextFor = async (req: IncomingMessage, signal: AbortSignal) => {
    const forwardedIp = req.headers[CLIENT_IP_HEADER];
    const clientIp = typeof forwardedIp === 'string' && forwardedIp ? forwardedIp : (req.socket.remoteAddress ?? 'unknown');
    const base = await baseRequestContext(req, options.verifier, options.logger, clientIp);
    signal.addEventListener('abort', () => base.logger.info('the caller went away; stopping the request'), { once: true });
    return options.createContext(base, signal);
  };
  let http: RunningHttpServer;
  try {
    await apollo.start();
    http = await startHttpServer({
      host: options.host,
      port: options.port,
      logger,
      routes: {
        '/graphql': apolloRoute({ server: apollo, context: contextFor, maxBodyBytes: options.maxBodyBytes ?? 1_000_000 }),
        ...healthRoutes(options.readiness, () => shuttingDown),
        '/metrics': metricsRoute(metrics),
        ...options.routes,
      },
    });
  } catch (error) {
    await apollo.stop().catch(() => undefined);
    await closeResources();
    throw error;
  }
  logger.info({ url: `${http.url}/graphql` }, `${options.name} subgraph listening`);
  let closed: Promise<void> | null = null;
  const stop = async () => {
    shuttingDown = true;
    await http.close();
    await apollo.stop();
    await closeResources();
  };
  return { ...http, graphqlUrl: `${http.url}/graphql`, close: () => (closed ??= stop()) };
}
