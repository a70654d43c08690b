import type { Logger } from '../logging/logger.ts';
import { metricsRoute, type Metrics } from '../metrics/metrics.ts';
import { healthRoutes, type ReadinessCheck } from './health.ts';
import { startHttpServer, type RequestTimeouts, type Routes, type RunningHttpServer } from './http-server.ts';

/** Where a service listens (HOST, PORT, INTERNAL_PORT) and how long its clients may take. */
export interface ListenerSettings extends RequestTimeouts {
  host: string;
  port: number;
  internalPort: number;
}

export interface RunningService extends RunningHttpServer {
  /** The internal listener, e.g. http://127.0.0.1:9001: `/metrics`, readiness details, internal routes. */
  internalUrl: string;
  internalPort: number;
}

/**
 * The two listeners of every process. The public one (PORT) serves the service's own routes
 * and `/health/live` and `/health/ready` with the status only, for load balancers and probes. The
 * internal one (INTERNAL_PORT), which only the cluster reaches, adds what a stranger must not
 * read: `/metrics`, readiness with every check's result, and `internalRoutes` (the users
 * subgraph's JWKS). Both get the same request timeouts. `close()` turns readiness 503, drains the
 * public listener, then closes the internal one.
 */
export async function startServiceHttp(options: {
  settings: ListenerSettings;
  logger: Logger;
  routes: Routes;
  internalRoutes?: Routes;
  readiness: ReadinessCheck[];
  metrics: Metrics;
  shutdownGraceMs?: number;
}): Promise<RunningService> {
  const { settings, logger, readiness } = options;
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  const listen = (port: number, routes: Routes) =>
    startHttpServer({ host: settings.host, port, logger, timeouts: settings, shutdownGraceMs: options.shutdownGraceMs, routes });
  const internal = await listen(settings.internalPort, {
    ...options.internalRoutes,
    ...healthRoutes(readiness, isShuttingDown, { details: true }),
    '/metrics': metricsRoute(options.metrics),
  });
  let http: RunningHttpServer;
  try {
    http = await listen(settings.port, { ...options.routes, ...healthRoutes(readiness, isShuttingDown, { details: false }) });
  } catch (error) {
    await internal.close();
    throw error;
  }
  let closed: Promise<void> | null = null;
  const stop = async () => {
    shuttingDown = true;
    await http.close();
    await internal.close();
  };
  return { ...http, internalUrl: internal.url, internalPort: internal.port, close: () => (closed ??= stop()) };
}
