import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEnv } from '../platform/config/load-config.ts';
import { CROSS_SUBGRAPH_QUERY, startCompiledPlatform, type CompiledPlatform } from '../scripts/lib/compiled-platform.ts';
import { deleteTestTopology } from '../platform/messaging/testing/topology-cleanup.ts';
import { MESSAGE_CONSUMER_NAMES, SUBGRAPH_NAMES } from '../subgraphs/registry.ts';
import { DATABASE_OWNERS, WORKER_NAMES } from '../workers/registry.ts';
import { GraphQLTestClient } from './support/graphql-client.ts';
import { testDatabaseUrl, testEnv, testMessagingPrefix, testRedisPrefix } from './support/test-env.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');
const run = promisify(execFile);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(DIST, path.join(entry.parentPath, entry.name)));
}

/** `npm run build`, then what production does with its output: plain `node` over dist/. */
describe('the compiled build', () => {
  let platform: CompiledPlatform | null = null;

  beforeAll(async () => {
    await run('npm', ['run', 'build'], { cwd: ROOT });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('holds every production entry and the files they read, and no test code', () => {
    const files = filesUnder(DIST);
    expect(files).toEqual(
      expect.arrayContaining([
        'gateway/main.js',
        'supergraph.graphql',
        'scripts/db-migrate.js',
        ...SUBGRAPH_NAMES.flatMap((name) => [`subgraphs/${name}/main.js`, `subgraphs/${name}/schema.graphql`, `subgraphs/${name}/__generated__/prisma/client.js`]),
        ...WORKER_NAMES.flatMap((name) => [`workers/${name}/main.js`, `workers/${name}/__generated__/prisma/client.js`]),
      ]),
    );
    expect(files.filter((file) => /\.spec\.js$|(^|\/)testing\/|\.ts$/.test(file))).toEqual([]);
    // Node runs no TypeScript: every relative import must have been rewritten to .js.
    const tsImports = files
      .filter((file) => file.endsWith('.js'))
      .filter((file) => /(from\s*|import\()\s*["']\.{1,2}\/[^"']*\.ts["']/.test(readFileSync(path.join(DIST, file), 'utf8')));
    expect(tsImports).toEqual([]);
  });

  it('the compiled registry loads every subgraph module (its import() paths were rewritten too)', async () => {
    const script = "const { SUBGRAPH_NAMES, loadSubgraph } = await import('./dist/subgraphs/registry.js');" +
      'for (const name of SUBGRAPH_NAMES) console.log((await loadSubgraph(name)).name);';
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
    expect(stdout.trim().split('\n')).toEqual(SUBGRAPH_NAMES);
  });

  it('migrates each subgraph and worker at its own database URL and declares every consumer queue with `node dist/scripts/db-migrate.js`', async () => {
    const urls = Object.fromEntries(DATABASE_OWNERS.map((name) => [`${name.toUpperCase()}_DATABASE_URL`, testDatabaseUrl(name)]));
    const messagingPrefix = testMessagingPrefix('compiled-migrate');
    try {
      const { stdout } = await run(process.execPath, ['dist/scripts/db-migrate.js'], {
        cwd: ROOT,
        env: { PATH: processEnv().PATH, ...urls, RABBITMQ_URL: testEnv.RABBITMQ_URL, MESSAGING_PREFIX: messagingPrefix },
      });
      for (const name of DATABASE_OWNERS) expect(stdout).toContain(`${testEnv.TEST_DATABASE_PREFIX}${name}: migrated`);
      for (const name of MESSAGE_CONSUMER_NAMES) expect(stdout).toContain(`${messagingPrefix}${name}: declared`);
    } finally {
      await deleteTestTopology(testEnv.RABBITMQ_URL, messagingPrefix, MESSAGE_CONSUMER_NAMES);
    }
    // One Prisma CLI per database, side by side: the time grows with the number of databases.
  }, 90_000);

  it('node runs every subgraph and the gateway, which answers across them; SIGTERM stops each with exit 0', async () => {
    platform = await startCompiledPlatform({
      root: ROOT,
      databaseUrl: testDatabaseUrl,
      redisUrl: testEnv.REDIS_URL,
      redisKeyPrefix: testRedisPrefix('compiled'),
    });
    expect(platform.subgraphs.map((subgraph) => subgraph.name)).toEqual(SUBGRAPH_NAMES);

    const answer = await new GraphQLTestClient(platform.gateway.graphqlUrl).request(CROSS_SUBGRAPH_QUERY);
    expect(answer.body).toEqual({ data: { products: { totalCount: expect.any(Number) }, vendor: null } });

    const running = platform;
    platform = null;
    const codes = await running.stop();
    expect(codes).toEqual(Object.fromEntries(['gateway', ...SUBGRAPH_NAMES].map((name) => [name, 0])));
  });
});
