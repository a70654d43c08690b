import { createAccessTokenVerifier } from '../../platform/auth/access-token.ts';
import { openSessionRevocations } from '../../platform/auth/session-revocations.ts';
import { loadTypeDefs } from '../../platform/graphql/load-schema.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import { defineSubgraph, type SubgraphOverrides } from '../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createMessagingConnection, rabbitmqReadiness } from '../../platform/messaging/connection.ts';
import { createInboxConsumer } from '../../platform/messaging/inbox-consumer.ts';
import { startConsumer } from '../../platform/messaging/start-consumer.ts';
import { createBusRetentionJob } from '../../platform/messaging/retention.ts';
import { createOutboxRelay } from '../../platform/messaging/outbox.ts';
import { postgresReadiness } from '../../platform/prisma/pg-adapter.ts';
import { systemClock } from './application/clock.ts';
import { withProviderTimeout } from './application/payment-provider.ts';
import { paymentsRetentionTasks } from './application/retention.ts';
import { PAYMENTS_SAGA_CONSUMER, paymentSagaHandlers } from './application/saga.handlers.ts';
import { createPaymentsApp } from './application/services.ts';
import { loadPaymentsConfig, type PaymentsConfig } from './config.ts';
import type { PaymentsContext } from './context.ts';
import { createPaymentRepository } from './infra/payment.repository.ts';
import { createPaymentsDatabase } from './infra/prisma.ts';
import { createSimulatedCardNetwork } from './infra/simulated-card-network.ts';
import { paymentWebhookSecret } from './infra/webhook-secret.ts';
import { resolvers } from './resolvers/index.ts';
import { providerWebhookRoute } from './webhook.route.ts';
import { createRelaySqlPool } from '../../platform/prisma/sql-pool.ts';

/**
 * Wires payments (its database pool, the simulated card network behind the provider port, services, the saga
 * consumer, the outbox relay, the retention job, the provider webhook, the token verifier) and serves
 * it. `close()` stops taking requests, then the consumer (handlers in flight finish), the relay, the
 * retention job, the simulated network's calls in flight, RabbitMQ, and the database pools.
 */
export async function startPaymentsSubgraph(config: PaymentsConfig, logger: Logger, overrides: SubgraphOverrides = {}): Promise<RunningSubgraph> {
  const db = createPaymentsDatabase(config.databaseUrl, config.databasePoolSize);
  // A batch's handlers share its inbox transaction's connection and take a second one for the whole
  // batch (authorize's attempts commit on it before the network is asked), and a failed batch's
  // messages go one at a time: with one batch in flight per contract (four), the pool is never
  // used up by handlers waiting for their second connection, so the prefetch (a batch's size) can
  // be the pool's size. The simulated card network has its own pool (it stands for another
  // company's system), as large: each handler makes at most one call at a time.
  const sagaPrefetch = config.databasePoolSize;
  const networkDb = createPaymentsDatabase(config.databaseUrl, sagaPrefetch);
  const relayDb = createRelaySqlPool(config.databaseUrl);
  const network = createSimulatedCardNetwork(networkDb, { slowMs: config.simulatedNetwork.slowMs });
  const sessions = openSessionRevocations(config.sessionRevocations, logger);
  const rabbitmq = createMessagingConnection(config.messaging, logger);
  const relay = createOutboxRelay({ db: relayDb, connection: rabbitmq, prefix: config.messaging.prefix, logger, pollMs: config.messaging.outboxPollMs, batchWaitMs: config.messaging.batchWaitMs });
  const repository = createPaymentRepository(db);
  const app = createPaymentsApp({
    payments: repository,
    provider: withProviderTimeout(network, config.providerTimeoutMs),
    commissionBps: config.commissionBps,
    clock: systemClock,
    nudgeRelay: () => relay.nudge(),
  });
  const saga = createInboxConsumer({
    db,
    connection: rabbitmq,
    prefix: config.messaging.prefix,
    name: PAYMENTS_SAGA_CONSUMER,
    handlers: paymentSagaHandlers({ payments: app.services.payments, logger, nudgeRelay: () => relay.nudge() }),
    logger,
    deliveryLimit: config.messaging.deliveryLimit,
    batchWaitMs: config.messaging.batchWaitMs,
    prefetch: sagaPrefetch,
  });
  relay.start();
  await startConsumer(saga, logger);
  const retention = createBusRetentionJob({
    db,
    tables: ['outbox_message', 'inbox_message'],
    settings: config.retention,
    logger,
    serviceTasks: paymentsRetentionTasks(repository, { requestRetentionHours: config.paymentRequestRetentionHours, webhookToleranceSeconds: config.webhook.toleranceSeconds }),
  });
  retention.start();
  const secret = paymentWebhookSecret({ secret: config.webhook.secret, nodeEnv: config.nodeEnv, devSecretsDir: config.gatewaySigning.devSecretsDir }, logger);
  return startSubgraphServer<PaymentsContext>({
    name: 'payments',
    typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
    resolvers,
    settings: config,
    logger,
    verifier: overrides.verifier ?? createAccessTokenVerifier({ jwksUrl: config.jwksUrl }, { policy: config.tokenPolicy, sessions }),
    readiness: [postgresReadiness(db), rabbitmqReadiness(rabbitmq)],
    publicRoutes: {
      '/webhooks/provider': providerWebhookRoute({ secret, toleranceSeconds: config.webhook.toleranceSeconds, payments: app.services.payments, logger, clock: systemClock }),
    },
    resources: [
      { name: 'session revocations', close: () => sessions.close() },
      // Handlers in flight finish (they need Postgres and the network) before those close.
      { name: 'payments saga consumer', close: () => saga.stop() },
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'retention job', close: () => retention.stop() },
      { name: 'simulated card network', close: () => network.close() },
      { name: 'rabbitmq', close: () => rabbitmq.close() },
      { name: 'postgres (simulated network)', close: () => networkDb.$disconnect() },
      { name: 'postgres (relay)', close: () => relayDb.$disconnect() },
      { name: 'postgres', close: () => db.$disconnect() },
    ],
    createContext: (base, signal) => ({ ...app.scopeFor(base, signal), services: app.services }),
  });
}

export const subgraph = defineSubgraph({
  name: 'payments',
  loadConfig: loadPaymentsConfig,
  start: startPaymentsSubgraph,
  // Payments are made by checkouts; there is no demo data of its own.
  seedDemo: async (_config, _logger, facts) => facts,
});
