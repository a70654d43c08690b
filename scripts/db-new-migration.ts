import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { databaseUrl } from '../platform/config/load-config.ts';
import { ROOT, runPrisma } from './lib/databases.ts';
import { scriptsConfig } from './lib/scripts-config.ts';
import { DATABASE_OWNERS } from '../workers/registry.ts';

/**
 * Authors a migration from the change to prisma/<subgraph>/schema.prisma since the last one, with
 * no shadow database (`prisma migrate dev` needs one and cannot run on the WebAssembly engine
 * without Prisma's native binaries): it diffs the schema against
 * `schema.migrated.prisma`, the schema as of the newest migration, then updates that snapshot.
 * Usage: npm run db:new-migration -- <subgraph> <name>
 */
const [subgraph, rawName] = process.argv.slice(2);
const known = DATABASE_OWNERS;
if (!subgraph || !known.includes(subgraph) || !rawName) {
  console.error(`usage: npm run db:new-migration -- <${known.join('|')}> <migration_name>`);
  process.exit(2);
}
const name = rawName.toLowerCase().replace(/[^a-z0-9]+/g, '_');
const dir = path.join(ROOT, 'prisma', subgraph);
const schema = path.join(dir, 'schema.prisma');
const snapshot = path.join(dir, 'schema.migrated.prisma');
const from = existsSync(snapshot) ? ['--from-schema-datamodel', snapshot] : ['--from-empty'];
const url = databaseUrl(scriptsConfig.POSTGRES_URL, `${scriptsConfig.DATABASE_PREFIX}${subgraph}`);
const output = await runPrisma(subgraph, url, ['migrate', 'diff', ...from, '--to-schema-datamodel', schema, '--script']);
const sql = output.slice(output.indexOf('--')).trim();
if (!sql || /This is an empty migration/.test(sql)) {
  console.log(`No schema changes for ${subgraph}; nothing written.`);
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const target = path.join(dir, 'migrations', `${stamp}_${name}`);
mkdirSync(target, { recursive: true });
writeFileSync(path.join(target, 'migration.sql'), `${sql}\n`);
if (!existsSync(path.join(dir, 'migrations', 'migration_lock.toml'))) {
  writeFileSync(path.join(dir, 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n');
}
copyFileSync(schema, snapshot);
console.log(`Wrote ${path.relative(ROOT, target)}/migration.sql (review it; add raw SQL such as indexes Prisma cannot express).`);
