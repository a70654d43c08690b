import { z } from 'zod';
import { loadConfig, processEnv } from '../platform/config/load-config.ts';
import { loadConfigOrExit } from '../platform/lifecycle/run-service.ts';
import { migrateAll, migrateDatabases, type MigrationTarget } from './lib/databases.ts';
import { scriptsConfig } from './lib/scripts-config.ts';
import { SUBGRAPH_NAMES } from '../subgraphs/registry.ts';

/**
 * `npm run db:migrate`, and the migration Job (`node dist/scripts/db-migrate.js`): applies every
 * subgraph's pending migrations.
 * - With `<SUBGRAPH>_DATABASE_URL` set for every subgraph (USERS_DATABASE_URL, CATALOG_DATABASE_URL,
 *   …; each subgraph may have its own managed server), it migrates exactly those databases and
 *   creates none.
 * - With none set, it creates any missing `${DATABASE_PREFIX}<subgraph>` on POSTGRES_URL and
 *   migrates them (development, docker-compose).
 * Some set and others not is refused: a forgotten variable must not send a subgraph's schema to
 * another server.
 */
const urlVariable = (subgraph: string) => `${subgraph.toUpperCase()}_DATABASE_URL`;

const schema = z
  .object(Object.fromEntries(SUBGRAPH_NAMES.map((subgraph) => [urlVariable(subgraph), z.url().optional()])))
  .superRefine((urls, ctx) => {
    const missing = SUBGRAPH_NAMES.map(urlVariable).filter((variable) => !urls[variable]);
    if (missing.length === 0 || missing.length === SUBGRAPH_NAMES.length) return;
    for (const variable of missing) {
      ctx.addIssue({ code: 'custom', path: [variable], message: 'is required when another <SUBGRAPH>_DATABASE_URL is set' });
    }
  });

const urls = loadConfigOrExit(() => loadConfig('db-migrate', schema, processEnv()));
const targets: MigrationTarget[] = SUBGRAPH_NAMES.flatMap((subgraph) => {
  const url = urls[urlVariable(subgraph)];
  return url ? [{ subgraph, url }] : [];
});
const report = (line: string) => console.log(`  ✓ ${line}`);

try {
  if (targets.length > 0) await migrateDatabases(targets, report);
  else await migrateAll(scriptsConfig.POSTGRES_URL, scriptsConfig.DATABASE_PREFIX, SUBGRAPH_NAMES, report);
} catch (error) {
  // The Prisma CLI's output says what is wrong; a stack trace of this script would not.
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
