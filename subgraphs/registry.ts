import {
  authorizePaymentV1,
  cancelPaymentV1,
  capturePaymentV1,
  commitStockV1,
  orderCancelledV1,
  orderConfirmedV1,
  paymentAuthorizedV1,
  paymentCancelledV1,
  paymentCapturedV1,
  paymentCaptureFailedV1,
  paymentDeclinedV1,
  refundPaymentV1,
  releaseStockV1,
  reserveStockV1,
  stockCommitFailedV1,
  stockCommittedV1,
  stockReservationFailedV1,
  stockReservedV1,
  vendorOrderShippedV1,
  vendorReinstatedV1,
  vendorSuspendedV1,
} from '../contracts/index.ts';
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

/** One message consumer of the deployment and what its queue receives. */
export interface MessageConsumerEntry {
  /** Unique per deployment: its queue is `<MESSAGING_PREFIX><name>`, its dead-letter queue the same plus `.dlq`. */
  name: string;
  /** The process that runs it (a subgraph's or a worker's name): its MESSAGE_DELIVERY_LIMIT is the queue's. */
  owner: string;
  /** The message types its handlers take, which its queue is bound to (test/messaging/consumer-bindings.test.ts keeps them equal). */
  bindings: readonly string[];
}

/**
 * Every message consumer of the deployment with its bindings. `npm run db:migrate` (and so
 * `npm start`, the migration Job and docker-compose's setup) declares their queues from it before
 * any process runs, so an event published before its consumer ever started waits in its queue
 * instead of being dropped; `npm run dlq:list` looks at these queues by default.
 */
export const MESSAGE_CONSUMERS = [
  { name: 'catalog.vendor-status', owner: 'catalog', bindings: [vendorSuspendedV1.type, vendorReinstatedV1.type] },
  { name: 'inventory.saga', owner: 'inventory', bindings: [reserveStockV1.type, commitStockV1.type, releaseStockV1.type] },
  { name: 'cart.orders', owner: 'cart', bindings: [orderConfirmedV1.type] },
  { name: 'payments.saga', owner: 'payments', bindings: [authorizePaymentV1.type, capturePaymentV1.type, cancelPaymentV1.type, refundPaymentV1.type] },
  {
    name: 'orders.saga',
    owner: 'orders',
    bindings: [
      stockReservedV1.type,
      stockReservationFailedV1.type,
      paymentAuthorizedV1.type,
      paymentDeclinedV1.type,
      stockCommittedV1.type,
      stockCommitFailedV1.type,
      paymentCapturedV1.type,
      paymentCaptureFailedV1.type,
      paymentCancelledV1.type,
    ],
  },
  { name: 'notifications.orders', owner: 'notifications', bindings: [orderConfirmedV1.type, orderCancelledV1.type, vendorOrderShippedV1.type] },
] as const satisfies readonly MessageConsumerEntry[];

export type MessageConsumerName = (typeof MESSAGE_CONSUMERS)[number]['name'];

/** The consumers' names alone (what cleaning up a test's queues needs). */
export const MESSAGE_CONSUMER_NAMES: readonly MessageConsumerName[] = MESSAGE_CONSUMERS.map((consumer) => consumer.name);

export async function loadSubgraph(name: SubgraphName): Promise<SubgraphDefinition> {
  const entry = SUBGRAPHS.find((subgraph) => subgraph.name === name);
  if (!entry) throw new Error(`unknown subgraph ${name}`);
  return (await entry.load()).subgraph;
}
