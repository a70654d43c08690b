import { migrateAll } from './lib/databases.ts';
import { scriptsConfig } from './lib/scripts-config.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';

await migrateAll(scriptsConfig.POSTGRES_URL, scriptsConfig.DATABASE_PREFIX, SUBGRAPHS.map((s) => s.name), (line) =>
  console.log(`  ✓ ${line}`),
);
