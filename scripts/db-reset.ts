import { dropDatabase } from './lib/databases.ts';
import { scriptsConfig } from './lib/scripts-config.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';

/**
 * `npm run db:reset -- --yes`: drops every dev database (`${DATABASE_PREFIX}<subgraph>`), so the
 * next `npm start` migrates and seeds from scratch and prints a new admin password. All subgraphs
 * go together: catalog rows refer to vendor ids that only the users database they came with knows.
 */
if (!process.argv.includes('--yes')) {
  console.error(`This deletes ${SUBGRAPHS.map((s) => scriptsConfig.DATABASE_PREFIX + s.name).join(', ')}. Run again with --yes to confirm.`);
  process.exit(2);
}
for (const { name } of SUBGRAPHS) {
  await dropDatabase(scriptsConfig.POSTGRES_URL, `${scriptsConfig.DATABASE_PREFIX}${name}`);
  console.log(`  ✓ dropped ${scriptsConfig.DATABASE_PREFIX}${name}`);
}
console.log('Run `npm start` to create, migrate and seed them again.');
