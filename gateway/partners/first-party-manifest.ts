import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id: z.string(), name: z.string(), type: z.enum(['query', 'mutation', 'subscription']), body: z.string() })),
});

/**
 * Reads FIRST_PARTY_MANIFEST_PATH (an Apollo persisted-query manifest, as
 * `generate-persisted-query-manifest` writes it) into id → body. Fails start-up on a file that is
 * not one or whose ids are not the sha256 of their bodies: a bad list would refuse every client.
 */
export async function loadFirstPartyManifest(file: string): Promise<Map<string, string>> {
  let parsed: z.infer<typeof manifestSchema>;
  try {
    parsed = manifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    throw new Error(`FIRST_PARTY_MANIFEST_PATH ${file} is not an Apollo persisted-query manifest: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const bodies = new Map<string, string>();
  for (const operation of parsed.operations) {
    const sha = createHash('sha256').update(operation.body, 'utf8').digest('hex');
    if (sha !== operation.id) throw new Error(`FIRST_PARTY_MANIFEST_PATH ${file}: operation "${operation.name}" has an id that is not the sha256 of its body.`);
    bodies.set(operation.id, operation.body);
  }
  return bodies;
}
