import { PrismaPg } from '@prisma/adapter-pg';
import type { PoolConfig } from 'pg';
import type { ReadinessCheck } from '../http/health.ts';

/**
 * pg pool settings from a database URL, as discrete fields: the adapter derives its shadow
 * database config by spreading these, and a `connectionString` would override that name.
 */
export function poolConfigFromUrl(databaseUrl: string, max = 10): PoolConfig {
  const url = new URL(databaseUrl);
  return {
    // libpq's `?host=` (a socket directory, say) wins over the authority, as psql and Prisma read it.
    host: url.searchParams.get('host') ?? decodeURIComponent(url.hostname),
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  };
}

/** The driver adapter a subgraph's generated PrismaClient runs on (no Rust engine). */
export function createPrismaAdapter(databaseUrl: string, poolSize = 10): PrismaPg {
  return new PrismaPg(poolConfigFromUrl(databaseUrl, poolSize));
}

/** A subgraph is ready only while its database answers. */
export function postgresReadiness(client: { $queryRaw(query: TemplateStringsArray): PromiseLike<unknown> }): ReadinessCheck {
  return { name: 'postgres', check: async () => void (await client.$queryRaw`SELECT 1`) };
}
