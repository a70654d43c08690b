import path from 'node:path';
import { databaseUrl } from '../platform/config/load-config.ts';
import { ROOT } from './lib/databases.ts';
import { seedDemoData } from './lib/demo-data.ts';
import { scriptsConfig } from './lib/scripts-config.ts';

/** `npm run db:seed`: demo data into the dev databases when they are empty (run db:migrate first). */
const summary = await seedDemoData((subgraph) => ({
  DATABASE_URL: databaseUrl(scriptsConfig.POSTGRES_URL, `${scriptsConfig.DATABASE_PREFIX}${subgraph}`),
  REDIS_URL: scriptsConfig.REDIS_URL,
  DEV_SECRETS_DIR: path.join(ROOT, '.dev-secrets'),
}));
console.log(summary.created ? `Seeded ${summary.vendorIds.length} vendors and ${summary.products} products.` : 'Demo data already present; nothing seeded.');
for (const login of summary.logins) {
  console.log(`  ${login.role.padEnd(8)} ${login.email.padEnd(24)} ${login.password ?? '(printed at first start only)'}`);
}
