import { z } from 'zod';
import { loadConfig, messagingEnvironment, messagingSettings, processEnv } from '../platform/config/load-config.ts';
import { loadConfigOrExit } from '../platform/lifecycle/run-service.ts';
import { migrateAll, migrateDatabases, type MigrationTarget } from './lib/databases.ts';
import { declareMessageTopology } from './lib/message-topology.ts';
import { scriptsConfig } from './lib/scripts-config.ts';
import { DATABASE_OWNERS } from '../workers/registry.ts';

/**
 * `npm run db:migrate`, and the migration Job (`node dist/scripts/db-migrate.js`): applies every
 * database owner's pending migrations (each subgraph's, then each worker's: workers/registry.ts).
 * - With `<SUBGRAPH>_DATABASE_URL` set for every subgraph (USERS_DATABASE_URL, CATALOG_DATABASE_URL,
 *   …, NOTIFICATIONS_DATABASE_URL; each may have its own managed server), it migrates exactly those databases and
 *   creates none.
 * - With none set, it creates any missing `${DATABASE_PREFIX}<subgraph>` on POSTGRES_URL and
 *   migrates them (development, docker-compose).
 * Some set and others not is refused: a forgotten variable must not send a subgraph's schema to
 * another server.
 * Then it declares the message topology on RABBITMQ_URL under MESSAGING_PREFIX (exchanges, every
 * consumer's queue, dead-letter queue and bindings: subgraphs/registry.ts MESSAGE_CONSUMERS), so
 * no event is dropped for want of a queue before its consumer first starts. MESSAGE_DELIVERY_LIMIT
 * must be the consumers' own (the queues carry it; RabbitMQ refuses a consumer that differs).
 */
const urlVariable = (subgraph: string) => `${subgraph.toUpperCase()}_DATABASE_URL`;

const databaseUrls = z
  .object(Object.fromEntries(DATABASE_OWNERS.map((subgraph) => [urlVariable(subgraph), z.url().optional()])))
  .superRefine((urls, ctx) => {
    const missing = DATABASE_OWNERS.map(urlVariable).filter((variable) => !urls[variable]);
    if (missing.length === 0 || missing.length === DATABASE_OWNERS.length) return;
    for (const variable of missing) {
      ctx.addIssue({ code: 'custom', path: [variable], message: 'is required when another <SUBGRAPH>_DATABASE_URL is set' });
    }
  });
const schema = z.object(messagingEnvironment()).and(databaseUrls);

const config = loadConfigOrExit(() => loadConfig('db-migrate', schema, processEnv()));
const urls: Record<string, string | undefined> = config;
const messaging = messagingSettings(config);
const targets: MigrationTarget[] = DATABASE_OWNERS.flatMap((subgraph) => {
  const url = urls[urlVariable(subgraph)];
  return url ? [{ subgraph, url }] : [];
});
const report = (line: string) => console.log(`  ✓ ${line}`);

try {
  if (targets.length > 0) await migrateDatabases(targets, report);
  else await migrateAll(scriptsConfig.POSTGRES_URL, scriptsConfig.DATABASE_PREFIX, DATABASE_OWNERS, report);
  await declareMessageTopology(messaging, () => messaging.deliveryLimit, report);
} catch (error) {
  // The Prisma CLI's output (or the broker's refusal) says what is wrong; a stack trace of this script would not.
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
