import { dropDatabase } from './lib/databases.ts';
import { scriptsConfig } from './lib/scripts-config.ts';
import { DATABASE_OWNERS } from '../workers/registry.ts';

/**
 * `npm run db:reset -- --yes`: drops every dev database (`${DATABASE_PREFIX}<subgraph>`), so the
 * next `npm start` migrates and seeds from scratch and prints a new admin password. All subgraphs
 * go together: catalog rows refer to vendor ids that only the users database they came with knows.
 */
if (!process.argv.includes('--yes')) {
  console.error(`This deletes ${DATABASE_OWNERS.map((name) => scriptsConfig.DATABASE_PREFIX + name).join(', ')}. Run again with --yes to confirm.`);
  process.exit(2);
}
for (const name of DATABASE_OWNERS) {
  await dropDatabase(scriptsConfig.POSTGRES_URL, `${scriptsConfig.DATABASE_PREFIX}${name}`);
  console.log(`  ✓ dropped ${scriptsConfig.DATABASE_PREFIX}${name}`);
}
console.log('Run `npm start` to create, migrate and seed them again.');
