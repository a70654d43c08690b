import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeSubgraphs } from './compose.ts';
import { ROOT } from './lib/databases.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';

/**
 * `npm run build`: the JavaScript production runs, in dist/ (`node dist/gateway/main.js`,
 * `node dist/subgraphs/<name>/main.js`, `node dist/scripts/db-migrate.js`). tsc compiles what
 * tsconfig.build.json lists; then the files the code reads beside itself at run time are put
 * beside the compiled code: each subgraph's schema.graphql and the composed supergraph (the
 * gateway's default SUPERGRAPH_PATH, `dist/supergraph.graphql`).
 */
const DIST = path.join(ROOT, 'dist');
const started = Date.now();

rmSync(DIST, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  console.error('✗ tsc failed');
  process.exit(tsc.status ?? 1);
}
for (const { name } of SUBGRAPHS) {
  copyFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), path.join(DIST, 'subgraphs', name, 'schema.graphql'));
}
writeFileSync(path.join(DIST, 'supergraph.graphql'), await composeSubgraphs());
console.log(`✓ compiled into ${path.relative(process.cwd(), DIST) || '.'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
