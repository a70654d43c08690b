import { createInternalReadClient, createServiceSigning } from '../../platform/http/internal-read.ts';
import { createWorkerRegistry, defineWorker, startWorkerServer, type RunningWorker } from '../../platform/lifecycle/worker-definition.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import { createMessagingConnection, rabbitmqReadiness } from '../../platform/messaging/connection.ts';
import { createInboxConsumer } from '../../platform/messaging/inbox-consumer.ts';
import { startConsumer } from '../../platform/messaging/start-consumer.ts';
import { createBusRetentionJob, rowsOlderThan } from '../../platform/messaging/retention.ts';
import { postgresReadiness } from '../../platform/prisma/pg-adapter.ts';
import { createEmailSender } from './application/email-sender.ts';
import { ORDER_EVENTS_CONSUMER, orderEventHandlers } from './application/order-events.handlers.ts';
import { loadNotificationsConfig, type NotificationsConfig } from './config.ts';
import { createContactsClient } from './infra/contacts.client.ts';
import { createEmailRepository } from './infra/email.repository.ts';
import { createSenderMetrics } from './infra/metrics.ts';
import { createNotificationsDatabase } from './infra/prisma.ts';
import { createSmtpMailer } from './infra/smtp-mailer.ts';

/**
 * Wires the notifications worker: the order-events consumer (records owed emails), the sender
 * (delivers them over SMTP, reading names and addresses from users' internal route), the retention
 * job (handled inbox rows, settled emails) and the internal listener. Neither SMTP nor users is a
 * readiness check: while they are down the emails wait in Postgres, and taking the worker out of
 * rotation would help nobody.
 * `close()` stops consuming, lets the sender finish its batch and the retention job its run, then
 * closes the connections.
 */
export async function startNotificationsWorker(config: NotificationsConfig, logger: Logger): Promise<RunningWorker> {
  const db = createNotificationsDatabase(config.databaseUrl, config.databasePoolSize);
  const registry = createWorkerRegistry('notifications');
  const emails = createEmailRepository(db);
  const { signer } = createServiceSigning(config, logger);
  const mailer = createSmtpMailer(config.smtp, config.mail.from, logger);
  const sender = createEmailSender({
    emails,
    directory: createContactsClient(createInternalReadClient({ baseUrl: config.contacts.baseUrl, signer, timeoutMs: config.contacts.timeoutMs, logger })),
    mailer,
    settings: { ...config.sender, messageIdDomain: config.mail.messageIdDomain, parallelSends: config.smtp.maxConnections },
    logger,
    events: createSenderMetrics(registry),
  });
  const rabbitmq = createMessagingConnection(config.messaging, logger);
  const consumer = createInboxConsumer({
    db,
    connection: rabbitmq,
    prefix: config.messaging.prefix,
    name: ORDER_EVENTS_CONSUMER,
    handlers: orderEventHandlers({ emails, nudge: () => sender.nudge(), logger }),
    logger,
    deliveryLimit: config.messaging.deliveryLimit,
    batchWaitMs: config.messaging.batchWaitMs,
  });
  // Emails owed before a restart go out now, whatever the broker does.
  sender.start();
  await startConsumer(consumer, logger);
  const retention = createBusRetentionJob({
    db,
    tables: ['inbox_message'],
    settings: config.retention,
    logger,
    serviceTasks: [rowsOlderThan('email', config.emailRetentionHours * 3_600_000, (cutoff, limit) => emails.deleteSettledBefore(cutoff, limit))],
  });
  retention.start();
  return startWorkerServer({
    settings: config,
    logger,
    readiness: [postgresReadiness(db), rabbitmqReadiness(rabbitmq)],
    registry,
    resources: [
      // Handlers in flight finish (they need Postgres) before it closes; the sender after them, so
      // a last nudge is not lost work: what it would send waits in the table for the next start.
      { name: 'order events consumer', close: () => consumer.stop() },
      { name: 'email sender', close: () => sender.stop() },
      { name: 'retention job', close: () => retention.stop() },
      { name: 'smtp', close: () => mailer.close() },
      { name: 'rabbitmq', close: () => rabbitmq.close() },
      { name: 'postgres', close: () => db.$disconnect() },
    ],
  });
}

export const worker = defineWorker({
  name: 'notifications',
  loadConfig: loadNotificationsConfig,
  start: startNotificationsWorker,
});
