import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl, processEnv } from '../../platform/config/load-config.ts';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';

/**
 * The checkout (or the image's /app): the nearest folder above this file that has package.json,
 * so the compiled copy under dist/ finds prisma/ and node_modules/ where the source one does.
 */
export const ROOT = packageRoot(import.meta.dirname);

function packageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export function prismaConfigPath(subgraph: string): string {
  return path.join(ROOT, 'prisma', subgraph, 'prisma.config.ts');
}

/** Creates the database if it does not exist yet. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<boolean> {
  return withDatabaseClient(serverUrl, 'postgres', async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount) return false;
    // Identifiers cannot be bound parameters; the name is validated by the caller's config regex.
    if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`refusing odd database name ${database}`);
    await client.query(`CREATE DATABASE "${database}"`);
    return true;
  });
}

/**
 * VACUUM (ANALYZE) of one database: what autovacuum does in the background, for a PostgreSQL that
 * runs without it (this machine's does), so plans see the tables as they are.
 */
export async function vacuumAnalyze(serverUrl: string, database: string): Promise<void> {
  await withDatabaseClient(serverUrl, database, (client) => client.query('VACUUM (ANALYZE)'));
}

/** Runs `work` on a connection of its own to one database, closed afterwards. */
export async function withDatabaseClient<T>(serverUrl: string, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(poolConfigFromUrl(databaseUrl(serverUrl, database)));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops a database (tests and the checkout bench start from a clean one). */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`refusing odd database name ${database}`);
  await withDatabaseClient(serverUrl, 'postgres', async (client) => {
    // A pool's end() resolves before its connections have closed: give them a moment to go, so FORCE
    // only ends connections left open (terminating one that is closing errors in its client).
    const deadline = Date.now() + 2_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database]);
      if (rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });
}

/**
 * Lines after which the CLI's work is done. Its WebAssembly engine leaves a 10 s timer behind that
 * keeps the process alive after success, so we resolve on the line and let the process end alone,
 * holding neither it nor its output pipes: a one-off migration ends as soon as its work is done.
 */
const DONE_MARKERS = ['All migrations have been successfully applied.', 'No pending migrations to apply.'];

/** Runs the Prisma CLI for one subgraph against one database; resolves with its output. */
export function runPrisma(subgraph: string, url: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'node_modules/prisma/build/index.js'), ...args, '--config', prismaConfigPath(subgraph)],
      {
        cwd: ROOT,
        env: { ...processEnv(), DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let settled = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!settled && DONE_MARKERS.some((marker) => output.includes(marker))) {
        settled = true;
        child.unref();
        for (const stream of [child.stdout, child.stderr]) (stream as Socket).unref();
        resolve(output);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      if (code === 0) resolve(output);
      else reject(new Error(`prisma ${args.join(' ')} failed for ${subgraph}:\n${output}`));
    });
  });
}

/** One subgraph's database, as the migration sees it. */
export interface MigrationTarget {
  subgraph: string;
  url: string;
}

function migrate({ subgraph, url }: MigrationTarget): Promise<string> {
  return runPrisma(subgraph, url, ['migrate', 'deploy']);
}

/**
 * Migrates each subgraph's database at its own URL (each may be its own managed server). They
 * must exist already: whoever provisions a managed database creates it.
 */
export async function migrateDatabases(targets: readonly MigrationTarget[], report: (line: string) => void = () => {}): Promise<void> {
  // Each subgraph has its own database, so they migrate side by side.
  await Promise.all(
    targets.map(async (target) => {
      await migrate(target);
      report(`${databaseName(target.url)}: migrated`);
    }),
  );
}

/** Creates (if missing) and migrates every listed subgraph's database `${prefix}<subgraph>` on one server. */
export async function migrateAll(
  serverUrl: string,
  prefix: string,
  subgraphs: readonly string[],
  report: (line: string) => void = () => {},
): Promise<void> {
  await Promise.all(
    subgraphs.map(async (subgraph) => {
      const database = `${prefix}${subgraph}`;
      const created = await ensureDatabase(serverUrl, database);
      await migrate({ subgraph, url: databaseUrl(serverUrl, database) });
      report(`${database}: ${created ? 'created and ' : ''}migrated`);
    }),
  );
}

/** The database a URL names: progress lines never print credentials. */
function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}
