import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { migrationAdapter } from './migration-adapter.ts';

/**
 * The Prisma CLI's config for one subgraph's database: its schema and migrations in
 * `prisma/<name>/`, migrated through the pg adapter (no native engines). `databaseUrl` is what the
 * migrate script set in DATABASE_URL (the dev or test database), read by the caller.
 */
export function subgraphPrismaConfig(directory: string, databaseUrl: string) {
  return defineConfig({
    experimental: { adapter: true },
    engine: 'js',
    schema: path.join(directory, 'schema.prisma'),
    migrations: { path: path.join(directory, 'migrations') },
    adapter: async () => migrationAdapter(databaseUrl),
  });
}
