import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { processEnv } from '../platform/config/load-config.ts';
import { createLogger } from '../platform/logging/logger.ts';
import { openPartnerApps } from '../subgraphs/users/app.ts';
import { loadUsersConfig } from '../subgraphs/users/config.ts';

/**
 * `npm run pq:publish -- --partner <appId> manifest.json`: publishes a partner app's
 * persisted-query manifest through the users subgraph's own service, over the users subgraph's
 * configuration (DATABASE_URL, REDIS_URL, PARTNERS_KEY_PREFIX): the same validation and Redis
 * mirror as the `publishPartnerManifest` mutation. Exits 1 listing the problems when the manifest
 * is refused (nothing changes), 2 on bad usage.
 *
 * `npm run pq:publish -- --resync` rewrites the Redis mirror of every key and manifest from
 * Postgres (what the users subgraph does at start), e.g. after a Redis outage.
 */
const usage = 'usage: npm run pq:publish -- --partner <partnerAppId> <manifest.json>\n       npm run pq:publish -- --resync';

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({ options: { partner: { type: 'string' }, resync: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true });
}
try {
  args = parse();
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  process.exit(2);
}
const { values, positionals } = args;
if (values.help || (!values.resync && (!values.partner || positionals.length !== 1))) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const logger = createLogger({ service: 'pq-publish', level: 'warn', pretty: false });
const partnerApps = await openPartnerApps(loadUsersConfig(processEnv()), logger);
const service = partnerApps.service;
let code = 0;
try {
  if (values.resync) {
    const counts = await service.resyncMirror(logger);
    console.log(`Mirror resynced: ${counts.keys} live keys written, ${counts.removed} ended or revoked keys removed, ${counts.manifests} manifests written.`);
  } else {
    const file = path.resolve(positionals[0] ?? '');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      console.error(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    }
    const result = await service.publishManifestAsOperator({ partnerAppId: values.partner ?? '', manifest: text }, logger);
    if (result.ok) {
      const { partnerApp, manifest } = result.value;
      console.log(`Published manifest version ${manifest.version} for partner app "${partnerApp.name}" (${partnerApp.id}): ${manifest.operations.length} operations.`);
      for (const operation of manifest.operations) console.log(`  ${operation.type.padEnd(12)} ${operation.name.padEnd(32)} ${operation.id}`);
    } else {
      console.error(`Manifest refused; nothing changed (${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}):`);
      for (const error of result.errors) console.error(`  ${error.code}${error.field ? ` at ${error.field.join('.')}` : ''}: ${error.message}`);
      code = 1;
    }
  }
} finally {
  await partnerApps.close();
}
process.exit(code);
