import { collectDefaultMetrics, Registry } from 'prom-client';
import { healthRoutes, type ReadinessCheck } from '../http/health.ts';
import { startHttpServer, type RequestTimeouts } from '../http/http-server.ts';
import type { Logger } from '../logging/logger.ts';
import type { Environment } from './subgraph-definition.ts';
import { loadConfigOrExit, runService, type ServiceConfig } from './run-service.ts';

/** A worker as it runs: its one (internal) listener, and a graceful stop. */
export interface RunningWorker {
  /** e.g. http://127.0.0.1:9007: `/health/live`, `/health/ready` (with every check's result), `/metrics`. */
  internalUrl: string;
  internalPort: number;
  /** Readiness turns 503, the listener closes, then the resources close in their order. */
  close(): Promise<void>;
}

/**
 * One worker as the rest of the repository sees it: every worker's `app.ts` exports one, built
 * with `defineWorker`, and its `main.ts` is `await worker.run()`. The worker list
 * (workers/registry.ts) loads them; scripts and tests never call a worker's internals.
 */
export interface WorkerDefinition {
  name: string;
  /** Validates `env` (as its config module would) and starts; tests boot on INTERNAL_PORT 0. */
  boot(env: Environment, logger: Logger): Promise<RunningWorker>;
  /** The process entry: config from the environment, a logger, start, stop gracefully on SIGTERM/SIGINT. */
  run(): Promise<void>;
}

export function defineWorker<TConfig extends ServiceConfig>(spec: {
  name: string;
  loadConfig(env?: Environment): TConfig;
  start(config: TConfig, logger: Logger): Promise<RunningWorker>;
}): WorkerDefinition {
  return {
    name: spec.name,
    boot: (env, logger) => spec.start(spec.loadConfig(env), logger),
    run: () => runService(spec.name, loadConfigOrExit(() => spec.loadConfig()), (config, logger) => spec.start(config, logger)),
  };
}

/** A worker's metrics registry: the process defaults labelled with the worker's name; it adds its own. */
export function createWorkerRegistry(name: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: name });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface WorkerServerOptions {
  settings: RequestTimeouts & { host: string; internalPort: number };
  logger: Logger;
  readiness: ReadinessCheck[];
  registry: Registry;
  /** Closed in this order after the listener (consumers before the connections they use). */
  resources: { name: string; close(): Promise<void> }[];
}

/**
 * A worker has no public port: only the cluster (probes, Prometheus) talks to it, so one
 * internal listener serves health with details and metrics. `close()` runs once.
 */
export async function startWorkerServer(options: WorkerServerOptions): Promise<RunningWorker> {
  const { settings, logger } = options;
  let shuttingDown = false;
  const closeResources = async () => {
    for (const resource of options.resources) {
      try {
        await resource.close();
      } catch (error) {
        logger.warn({ err: error, resource: resource.name }, 'could not close cleanly');
      }
    }
  };
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    http = await startHttpServer({
      host: settings.host,
      port: settings.internalPort,
      logger,
      timeouts: settings,
      routes: {
        ...healthRoutes(options.readiness, () => shuttingDown, { details: true }),
        '/metrics': async (_req, res) => {
          const body = await options.registry.metrics();
          res.writeHead(200, { 'content-type': options.registry.contentType });
          res.end(body);
        },
      },
    });
  } catch (error) {
    await closeResources();
    throw error;
  }
  logger.info({ url: http.url }, 'worker listening (internal)');
  let closed: Promise<void> | null = null;
  const stop = async () => {
    shuttingDown = true;
    await http.close();
    await closeResources();
  };
  return { internalUrl: http.url, internalPort: http.port, close: () => (closed ??= stop()) };
}
