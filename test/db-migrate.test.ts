import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, processEnv } from '../platform/config/load-config.ts';
import { poolConfigFromUrl } from '../platform/prisma/pg-adapter.ts';
import { dropDatabase } from '../scripts/lib/databases.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';
import { DATABASE_OWNERS } from '../workers/registry.ts';
import { testEnv } from './support/test-env.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
/** Databases nobody created: where a managed database was forgotten. */
const absent = (subgraph: string) => `${testEnv.TEST_DATABASE_PREFIX}absent_${subgraph}`;
const urlVariable = (subgraph: string) => `${subgraph.toUpperCase()}_DATABASE_URL`;

/** Runs `npm run db:migrate`'s script with exactly these variables; resolves with its exit code and output. */
async function migrate(env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/db-migrate.ts'], {
      cwd: ROOT,
      env: { PATH: processEnv().PATH, ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

async function existingDatabases(names: string[]): Promise<string[]> {
  const client = new pg.Client(poolConfigFromUrl(databaseUrl(testEnv.POSTGRES_URL, 'postgres')));
  await client.connect();
  try {
    const result = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]);
    return result.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

/** Per-subgraph URLs are for managed databases: the migration never creates one there. */
describe('db-migrate with each subgraph’s own database URL', () => {
  const dropAbsent = async () => {
    for (const name of DATABASE_OWNERS) await dropDatabase(testEnv.POSTGRES_URL, absent(name));
  };
  beforeAll(dropAbsent);
  afterAll(dropAbsent);

  it('fails on a database that does not exist, and creates none', async () => {
    const result = await migrate(
      Object.fromEntries(DATABASE_OWNERS.map((name) => [urlVariable(name), databaseUrl(testEnv.POSTGRES_URL, absent(name))])),
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(new RegExp(`Database \`${testEnv.TEST_DATABASE_PREFIX}absent_[a-z_]+\` does not exist`));
    expect(await existingDatabases(DATABASE_OWNERS.map(absent))).toEqual([]);
  });

  it('refuses URLs for some subgraphs but not all, naming the missing variables, before touching anything', async () => {
    const first = SUBGRAPHS[0].name;
    const result = await migrate({
      [urlVariable(first)]: databaseUrl(testEnv.POSTGRES_URL, absent(first)),
      // Without per-subgraph URLs the script would create `${DATABASE_PREFIX}<subgraph>` here.
      POSTGRES_URL: testEnv.POSTGRES_URL,
      DATABASE_PREFIX: `${testEnv.TEST_DATABASE_PREFIX}absent_`,
    });
    expect(result.code).toBe(1);
    for (const name of DATABASE_OWNERS.filter((name) => name !== first)) expect(result.output).toContain(`${urlVariable(name)}: is required`);
    expect(await existingDatabases(DATABASE_OWNERS.map(absent))).toEqual([]);
  });
});
