import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { databaseUrl, processEnv } from '../platform/config/load-config.ts';
import { deleteKeysWithPrefix } from '../platform/redis/redis.ts';
import { CROSS_SUBGRAPH_QUERY, startCompiledPlatform } from './lib/compiled-platform.ts';
import { dropDatabase, ROOT } from './lib/databases.ts';
import { messagingPrefixFor, scriptsConfig } from './lib/scripts-config.ts';
import { DATABASE_OWNERS } from '../workers/registry.ts';

/**
 * `npm run check:image`: what the Dockerfile's runtime stage does, where no Docker engine runs. A
 * temporary folder is laid out like the image's /app (package.json, package-lock.json, production
 * dependencies from `npm ci --omit=dev --ignore-scripts` less the lockfile's "devOptional" dev
 * tools, as the Dockerfile removes them; the build's dist/); the compiled gateway
 * and every subgraph run from it against the local PostgreSQL and Redis, answer one query through
 * the gateway, and must exit 0 on SIGTERM. Their databases (`shop_image_check_<subgraph>`) are
 * migrated first as the migrate stage does (`node dist/scripts/db-migrate.js`) and dropped at the
 * end. The install needs the npm registry or npm's cache, so this is not part of `npm test`.
 */
const DATABASE_PREFIX = 'shop_image_check_';
const REDIS_PREFIX = 'shop_image_check:';
/** Development tools the runtime image must not carry. */
const DEV_ONLY = ['prisma', 'typescript', 'tsx', 'vitest', '@graphql-codegen/cli', 'eslint', 'dependency-cruiser'];

const started = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

function step(label: string, command: string, args: string[], cwd: string, env: Record<string, string | undefined> = processEnv()): void {
  say(`${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status ?? result.signal})`);
}

function sizeOf(target: string): number {
  const stats = lstatSync(target);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(target).reduce((total, entry) => total + sizeOf(path.join(target, entry)), 0);
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const app = mkdtempSync(path.join(tmpdir(), 'shop-image-'));
let failed = false;
try {
  step('build', 'npm', ['run', 'build'], ROOT);

  for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(ROOT, file), path.join(app, file));
  step('runtime dependencies', 'npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], app);
  const lock = JSON.parse(readFileSync(path.join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { devOptional?: boolean }> };
  const devOptional = Object.entries(lock.packages).filter(([, entry]) => entry.devOptional);
  for (const [dir] of devOptional) rmSync(path.join(app, dir), { recursive: true, force: true });
  say(`removed ${devOptional.length} devOptional packages (dev tools npm keeps as optional peers of production ones)`);
  cpSync(path.join(ROOT, 'dist'), path.join(app, 'dist'), { recursive: true });

  const present = DEV_ONLY.filter((name) => existsSync(path.join(app, 'node_modules', name)));
  if (present.length > 0) throw new Error(`the runtime layout holds development tools: ${present.join(', ')}`);
  say(`layout of ${app} (the image's /app):`);
  for (const entry of readdirSync(app).sort()) say(`  ${entry.padEnd(20)} ${megabytes(sizeOf(path.join(app, entry)))}`);
  say(`  no ${DEV_ONLY.join(', ')}`);

  // It also declares the message topology: under the prefix the compiled platform below runs with, not the dev stack's.
  step('migrate (as the migrate stage)', process.execPath, ['dist/scripts/db-migrate.js'], ROOT, { ...processEnv(), DATABASE_PREFIX, MESSAGING_PREFIX: messagingPrefixFor(REDIS_PREFIX) });

  say('starting the compiled subgraphs and gateway from the runtime layout (NODE_ENV=production)…');
  const platform = await startCompiledPlatform({
    root: app,
    databaseUrl: (subgraph) => databaseUrl(scriptsConfig.POSTGRES_URL, `${DATABASE_PREFIX}${subgraph}`),
    redisUrl: scriptsConfig.REDIS_URL,
    redisKeyPrefix: REDIS_PREFIX,
  });
  try {
    for (const service of [...platform.subgraphs, platform.gateway]) say(`  ✓ ${service.name} ready at ${service.origin}`);
    const response = await fetch(platform.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CROSS_SUBGRAPH_QUERY }),
    });
    const body = await response.text();
    say(`  query through the gateway: ${response.status} ${body.trim()}`);
    if (!response.ok || !body.includes('"totalCount"') || body.includes('"errors"')) failed = true;
  } finally {
    const codes = await platform.stop();
    say(`  SIGTERM → exit codes ${JSON.stringify(codes)}`);
    if (Object.values(codes).some((code) => code !== 0)) failed = true;
  }
} catch (error) {
  failed = true;
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
} finally {
  for (const name of DATABASE_OWNERS) await dropDatabase(scriptsConfig.POSTGRES_URL, `${DATABASE_PREFIX}${name}`);
  const redis = new Redis(scriptsConfig.REDIS_URL, { lazyConnect: true });
  await redis.connect();
  await deleteKeysWithPrefix(redis, REDIS_PREFIX);
  await redis.quit();
  rmSync(app, { recursive: true, force: true });
}
say(failed ? '✗ the runtime layout does not work' : '✓ the runtime layout runs the compiled platform');
process.exitCode = failed ? 1 : 0;
