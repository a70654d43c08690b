import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { pathToFileURL } from 'node:url';
import { startGateway } from '../../gateway/app.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import type { SubgraphFetcherFactory } from '../../gateway/http/fetcher.ts';
import { createUndiciFetcher } from '../../gateway/http/undici-fetcher.ts';
import { loadConfigOrExit, runService } from '../../platform/lifecycle/run-service.ts';
import { createKeepAliveFetcher } from './keep-alive-fetcher.ts';

/** The subgraph HTTP clients the bench compares, by the name given on the command line. */
export const SUBGRAPH_CLIENTS = {
  /** @apollo/gateway's own client (make-fetch-happen), what a gateway without a `fetcher` uses. */
  stock: () => ({ fetch: new RemoteGraphQLDataSource().fetcher, close: () => {} }),
  /** The gateway's own (what gateway/main.ts runs). */
  undici: createUndiciFetcher,
  /** node:http with a keep-alive agent, measured against undici's. */
  'keep-alive': createKeepAliveFetcher,
} satisfies Record<string, SubgraphFetcherFactory>;

export type SubgraphClientName = keyof typeof SUBGRAPH_CLIENTS;

export function isSubgraphClientName(name: string): name is SubgraphClientName {
  return Object.hasOwn(SUBGRAPH_CLIENTS, name);
}

/** Leaves out the cost check and the budgets, to measure what they cost. */
const WITHOUT_LIMITS = '--without-limits';

/**
 * Bench-only entry: the production gateway (same config, same environment variables) with the
 * subgraph HTTP client named by the first argument, and optionally without the cost check and
 * budgets, so variants can be measured side by side without a switch in the production config.
 *   node --import tsx scripts/bench/gateway-variant.ts <stock|keep-alive|undici> [--without-limits]
 */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [name = '', ...flags] = process.argv.slice(2);
  if (!isSubgraphClientName(name) || flags.some((flag) => flag !== WITHOUT_LIMITS)) {
    process.stderr.write(`Usage: gateway-variant.ts <${Object.keys(SUBGRAPH_CLIENTS).join('|')}> [${WITHOUT_LIMITS}]\n`);
    process.exit(2);
  }
  const demandControl = !flags.includes(WITHOUT_LIMITS);
  const config = loadConfigOrExit(loadGatewayConfig);
  await runService('gateway', config, (gatewayConfig, logger) => startGateway(gatewayConfig, logger, { fetcher: SUBGRAPH_CLIENTS[name], demandControl }));
}
