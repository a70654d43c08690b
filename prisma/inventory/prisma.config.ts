import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { migrationAdapter } from '../migration-adapter.ts';

const here = import.meta.dirname;

// The migrate script sets DATABASE_URL (the dev or test database); the CLI reads nothing else.
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/shop_inventory';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(here, 'schema.prisma'),
  migrations: { path: path.join(here, 'migrations') },
  adapter: async () => migrationAdapter(databaseUrl),
});
