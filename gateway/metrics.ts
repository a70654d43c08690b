import { Counter } from 'prom-client';
import { createMetrics, type Metrics, type OperationLabelSettings } from '../platform/metrics/metrics.ts';

export interface GatewayMetrics extends Metrics {
  subgraphFetches: Counter<'subgraph' | 'outcome'>;
}

/** The platform's operation metrics plus one series per subgraph and fetch outcome. */
export function createGatewayMetrics(labels: OperationLabelSettings): GatewayMetrics {
  const metrics = createMetrics('gateway', labels);
  const subgraphFetches = new Counter({
    name: 'gateway_subgraph_fetches_total',
    help: 'Requests the gateway sent to subgraphs, by subgraph and outcome (ok, graphql_errors, failed).',
    labelNames: ['subgraph', 'outcome'] as const,
    registers: [metrics.registry],
  });
  return { ...metrics, subgraphFetches };
}
