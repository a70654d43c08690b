import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generatePersistedQueryManifest, type PersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Our first-party client operations: the documents codegen types and the manifest lists. */
export const CLIENT_OPERATIONS = 'clients/operations/*.graphql';
export const CLIENT_MANIFEST = 'clients/persisted-query-manifest.json';

/**
 * The persisted-query manifest (Apollo's format: id = sha256 of the body, name, type, body) of
 * clients/operations, as @apollo/client's persisted-queries link sends them: the generator runs
 * each document through a real ApolloClient, so bodies carry the `__typename` fields the client
 * adds and the ids match the hashes it sends.
 */
export async function clientManifest(): Promise<PersistedQueryManifest> {
  // The generator globs relative to the working directory.
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    return await generatePersistedQueryManifest({ documents: [CLIENT_OPERATIONS] }, undefined);
  } finally {
    process.chdir(cwd);
  }
}

export const printManifest = (manifest: PersistedQueryManifest): string => `${JSON.stringify(manifest, null, 2)}\n`;

async function main(): Promise<void> {
  const manifest = await clientManifest();
  await writeFile(path.join(ROOT, CLIENT_MANIFEST), printManifest(manifest));
  console.log(`Wrote ${manifest.operations.length} operations (${manifest.operations.map((operation) => operation.name).join(', ')}) to ${CLIENT_MANIFEST}.`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
