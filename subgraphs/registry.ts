import type { SubgraphDefinition } from '../platform/lifecycle/subgraph-definition.ts';

/**
 * The one list of subgraphs. Everything that must know which subgraphs exist derives from it:
 * `npm start` and the benchmarks (scripts/lib/stack.ts), composition and supergraph.yaml
 * (scripts/compose.ts), migrations, seeds and code generation, the test platform, and the checks
 * of docker-compose.yml and the Kubernetes manifests. Order is start order: users first, because
 * the others verify access tokens with the keys it publishes.
 */
export const SUBGRAPHS = [
  { name: 'users', port: 4001, load: () => import('./users/app.ts') },
  { name: 'catalog', port: 4002, load: () => import('./catalog/app.ts') },
  { name: 'inventory', port: 4003, load: () => import('./inventory/app.ts') },
  { name: 'cart', port: 4004, load: () => import('./cart/app.ts') },
  { name: 'payments', port: 4005, load: () => import('./payments/app.ts') },
  // Last: it reads cart and catalog through their internal listeners.
  { name: 'orders', port: 4006, load: () => import('./orders/app.ts') },
] as const satisfies readonly { name: string; port: number; load: () => Promise<{ subgraph: SubgraphDefinition }> }[];

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const SUBGRAPH_NAMES: readonly SubgraphName[] = SUBGRAPHS.map((subgraph) => subgraph.name);

/** The subgraph that signs access tokens and publishes their public keys (JWKS_PATH). */
export const TOKEN_ISSUER: SubgraphName = 'users';

export const GATEWAY_PORT = 4000;

/**
 * Every message consumer of the deployment by name (its queue is `<MESSAGING_PREFIX><name>`, its
 * dead-letter queue the same plus `.dlq`): what `npm run dlq:list` looks at by default.
 */
export const MESSAGE_CONSUMERS = ['catalog.vendor-status', 'inventory.saga', 'cart.orders', 'payments.saga', 'orders.saga', 'notifications.orders'] as const;

export async function loadSubgraph(name: SubgraphName): Promise<SubgraphDefinition> {
  const entry = SUBGRAPHS.find((subgraph) => subgraph.name === name);
  if (!entry) throw new Error(`unknown subgraph ${name}`);
  return (await entry.load()).subgraph;
}
