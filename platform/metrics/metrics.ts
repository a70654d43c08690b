import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RouteHandler } from '../http/http-server.ts';

/** Which operation names keep their own label value (METRICS_KNOWN_OPERATIONS, METRICS_MAX_FIRST_SEEN_OPERATIONS). */
export interface OperationLabelSettings {
  /** Always labelled by name. */
  knownOperations: readonly string[];
  /** How many other names are labelled by name too, the first ones seen; every later one is `other`. */
  maxFirstSeenOperations: number;
}

/** The label of operations sent without a name. */
export const ANONYMOUS_OPERATION = 'anonymous';
/** The label of every name beyond the known and first-seen ones. */
export const OTHER_OPERATION = 'other';
/** First-seen names longer than this are `other`: a name is a label, not a payload. */
const MAX_LABELLED_NAME_LENGTH = 64;

/**
 * Maps a client-chosen operation name to a label value. Every value is a series in every metric
 * that carries it, so the set of values is bounded: the known names, at most
 * `maxFirstSeenOperations` others (first come, first served, for as long as the process runs),
 * `anonymous` and `other`. `canonical` maps a name to the one it stands for (a subgraph strips the
 * gateway's `__<subgraph>__<n>` suffix, so known client names count there too).
 */
export function operationLabeler(settings: OperationLabelSettings, canonical: (name: string) => string = (name) => name): (name: string | null | undefined) => string {
  const known = new Set(settings.knownOperations);
  const firstSeen = new Set<string>();
  return (name) => {
    if (!name) return ANONYMOUS_OPERATION;
    const operation = canonical(name);
    if (known.has(operation) || firstSeen.has(operation)) return operation;
    if (firstSeen.size < settings.maxFirstSeenOperations && operation.length <= MAX_LABELLED_NAME_LENGTH) {
      firstSeen.add(operation);
      return operation;
    }
    return OTHER_OPERATION;
  };
}

/** One registry per process (no global default), so in-process test boots never collide. */
export interface Metrics {
  registry: Registry;
  operations: Counter<'operation' | 'type' | 'outcome'>;
  operationDuration: Histogram<'operation' | 'type'>;
  /** The bounded label value for an operation name (see operationLabeler). */
  operationLabel: (name: string | null | undefined) => string;
}

export function createMetrics(service: string, labels: OperationLabelSettings, canonicalOperation?: (name: string) => string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations handled, by operation (known names, first-seen names, anonymous or other), type and outcome.',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time to answer a GraphQL operation, by operation (as in graphql_operations_total) and type.',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, operations, operationDuration, operationLabel: operationLabeler(labels, canonicalOperation) };
}

export function metricsRoute(metrics: Metrics): RouteHandler {
  return async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(body);
  };
}

/** Counts and times every operation, labelled by `metrics.operationLabel` so client-chosen names cannot grow the series. */
export function metricsPlugin<TContext extends BaseContext>(metrics: Metrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(requestContext) {
          const operation = metrics.operationLabel(requestContext.operationName);
          const type = requestContext.operation?.operation ?? 'unknown';
          const outcome = requestContext.errors?.length ? 'error' : 'success';
          metrics.operations.inc({ operation, type, outcome });
          metrics.operationDuration.observe({ operation, type }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
