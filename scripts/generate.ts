import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processEnv } from '../platform/config/load-config.ts';
import { ROOT } from './lib/databases.ts';
import { DATABASE_OWNERS } from '../workers/registry.ts';
import { CLIENT_API_SCHEMA } from '../codegen.ts';
import { CLIENT_MANIFEST, clientManifest, printManifest } from './pq-manifest.ts';
import { composeApiSchema } from './schema-check.ts';

/**
 * Build output that is never committed: each subgraph's Prisma client, codegen's resolver types
 * and the typed client operations (over the composed API schema, written first); then the
 * first-party persisted-query manifest (committed, so a change to it shows in review). Runs after
 * `npm ci` (postinstall) and offline.
 */
function run(label: string, args: string[]): void {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: {
      ...processEnv(),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      // generate never connects, but without a URL in env the CLI looks for a native engine to download.
      DATABASE_URL: 'postgresql://generate-only@127.0.0.1:5432/none',
    } });
  if (result.status !== 0) {
    console.error(`✗ ${label} failed:\n${result.stdout}${result.stderr}`);
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${label}`);
}

for (const name of DATABASE_OWNERS) {
  run(`prisma client for ${name}`, [
    path.join(ROOT, 'node_modules/prisma/build/index.js'),
    'generate',
    '--config',
    path.join(ROOT, 'prisma', name, 'prisma.config.ts'),
  ]);
}
const apiSchema = path.join(ROOT, CLIENT_API_SCHEMA);
mkdirSync(path.dirname(apiSchema), { recursive: true });
writeFileSync(apiSchema, await composeApiSchema());
console.log('✓ API schema for client codegen');
run('graphql codegen (typed resolvers, typed client operations)', [path.join(ROOT, 'node_modules/@graphql-codegen/cli/esm/bin.js'), '--config', 'codegen.ts']);
writeFileSync(path.join(ROOT, CLIENT_MANIFEST), printManifest(await clientManifest()));
console.log(`✓ persisted-query manifest of clients/operations (${CLIENT_MANIFEST})`);
