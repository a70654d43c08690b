import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { createLogger, type Logger } from '../../../platform/logging/logger.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { testRequestContext } from '../../../platform/testing/request-context.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';
import type { Clock } from '../application/clock.ts';
import { withProviderTimeout } from '../application/payment-provider.ts';
import type { AuthorizeCommand, SagaContext } from '../application/payment.service.ts';
import type { PaymentsScope } from '../application/scope.ts';
import { createPaymentsApp, type PaymentsApp, type PaymentsServices } from '../application/services.ts';
import { createPaymentRepository, type PaymentRepository } from '../infra/payment.repository.ts';
import { createPaymentsDatabase, type PaymentsDatabase } from '../infra/prisma.ts';
import { createSimulatedCardNetwork, type SimulatedCardNetwork } from '../infra/simulated-card-network.ts';

/** A message the services wrote to the outbox, as the relay would publish it. */
export interface OutboxRow {
  type: string;
  payload: Record<string, unknown>;
  correlationId: string;
}

/**
 * The payments app (createPaymentsApp) over the test database, with the simulated card network on
 * its own small pool, for the `*.spec.ts` files. Production never imports this.
 */
export interface PaymentsHarness {
  app: PaymentsApp;
  services: PaymentsServices;
  network: SimulatedCardNetwork;
  repository: PaymentRepository;
  db: PaymentsDatabase;
  /** Every log line the services wrote (JSON strings), for specs that grep them. */
  logLines: string[];
  logger: Logger;
  request(viewer?: Viewer | null): BaseRequestContext;
  scope(viewer?: Viewer | null): PaymentsScope;
  /** Runs a saga step as the inbox consumer does: in one transaction, with a correlation id. */
  saga(step: (tx: SqlClient, context: SagaContext) => Promise<void>): Promise<void>;
  /** An authorize command for a fresh order: 10 000 EUR cents over two vendors (6 000 + 3 000; 1 000 shipping and tax). */
  authorizeCommand(overrides?: Partial<AuthorizeCommand>): AuthorizeCommand;
  /** What the outbox holds for an order, oldest first. */
  outbox(orderId: string): Promise<OutboxRow[]>;
  close(): Promise<void>;
}

export async function createPaymentsHarness(options: { scope: string; providerTimeoutMs?: number; slowMs?: number; commissionBps?: number; clock?: Clock }): Promise<PaymentsHarness> {
  const logLines: string[] = [];
  const logger = createLogger({ service: `payments-${options.scope}`, level: 'trace', pretty: false }, { write: (line: string) => void logLines.push(line) });
  const db = createPaymentsDatabase(testDatabaseUrl('payments'), 6);
  const networkDb = createPaymentsDatabase(testDatabaseUrl('payments'), 3);
  const network = createSimulatedCardNetwork(networkDb, { slowMs: options.slowMs ?? 400 });
  const repository = createPaymentRepository(db);
  const app = createPaymentsApp({
    payments: repository,
    provider: withProviderTimeout(network, options.providerTimeoutMs ?? 2_000),
    commissionBps: options.commissionBps ?? 1_000,
    clock: options.clock,
  });
  const request = (viewer: Viewer | null = null): BaseRequestContext => testRequestContext(logger, viewer);
  return {
    app,
    services: app.services,
    network,
    repository,
    db,
    logLines,
    logger,
    request,
    scope: (viewer) => app.scopeFor(request(viewer)),
    saga: (step) => db.$transaction((tx) => step(tx, { correlationId: `spec-${options.scope}`, logger }), { timeout: 5_000 }),
    authorizeCommand: (overrides = {}) => ({
      orderId: randomUUID(),
      orderNumber: `SPEC-${randomUUID().slice(0, 8)}`,
      customerId: randomUUID(),
      amount: { amount: 10_000, currency: 'EUR' },
      paymentMethodToken: 'tok_success',
      vendorShares: [
        { vendorOrderId: randomUUID(), vendorId: randomUUID(), amount: { amount: 6_000, currency: 'EUR' } },
        { vendorOrderId: randomUUID(), vendorId: randomUUID(), amount: { amount: 3_000, currency: 'EUR' } },
      ],
      ...overrides,
    }),
    async outbox(orderId) {
      return db.$queryRaw<OutboxRow[]>`
        SELECT type, payload, correlation_id AS "correlationId" FROM outbox_message WHERE payload->>'orderId' = ${orderId} ORDER BY occurred_at, id`;
    },
    async close() {
      await network.close();
      await networkDb.$disconnect();
      await db.$disconnect();
    },
  };
}
