import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CompositionError, composeSupergraph, type SubgraphSource } from '../gateway/supergraph/compose.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** rover's supergraph.yaml, restricted to what this project uses: local schema files. */
const supergraphConfigSchema = z.object({
  federation_version: z
    .union([z.string(), z.number()])
    .transform(String)
    .refine((value) => /^=?2(\.\d+){0,2}$/.test(value), 'must be Federation 2, e.g. =2.14.4'),
  subgraphs: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]*$/, 'subgraph names are lowercase identifiers'),
      z.object({
        routing_url: z.url({ protocol: /^https?$/ }),
        schema: z.object({ file: z.string().min(1) }, { error: 'schema.file is required (introspected subgraphs are not supported)' }),
      }),
    )
    .refine((subgraphs) => Object.keys(subgraphs).length > 0, 'must list at least one subgraph'),
});

/**
 * Composes the supergraph described by a rover-style supergraph.yaml (schema files are relative
 * to it) and returns the SDL. `overrides` replaces routing URLs by subgraph name, for stacks on
 * other ports. Throws CompositionError naming the failing subgraphs.
 */
export async function composeFromConfig(file = 'supergraph.yaml', overrides: Record<string, string> = {}): Promise<string> {
  const configPath = path.resolve(ROOT, file);
  const parsed = supergraphConfigSchema.safeParse(parseYaml(await readFile(configPath, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${configPath} is not a valid supergraph config:\n` +
        parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n'),
    );
  }
  const names = Object.keys(parsed.data.subgraphs);
  const unknown = Object.keys(overrides).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new Error(`URL overrides name unknown subgraphs: ${unknown.join(', ')} (known: ${names.join(', ')}).`);

  const baseDir = path.dirname(configPath);
  const subgraphs: SubgraphSource[] = await Promise.all(
    Object.entries(parsed.data.subgraphs).map(async ([name, subgraph]) => {
      const schemaPath = path.resolve(baseDir, subgraph.schema.file);
      let typeDefs: string;
      try {
        typeDefs = await readFile(schemaPath, 'utf8');
      } catch {
        throw new CompositionError([{ subgraphs: [name], code: null, message: `cannot read its schema file ${schemaPath}` }]);
      }
      return { name, url: overrides[name] ?? subgraph.routing_url, typeDefs };
    }),
  );
  return composeSupergraph(subgraphs);
}

async function main(): Promise<void> {
  const output = path.join(ROOT, 'supergraph.graphql');
  try {
    const sdl = await composeFromConfig();
    await writeFile(output, sdl);
    const graphs = [...sdl.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((match) => match[1]);
    console.log(`Composed ${graphs.length} subgraphs (${graphs.join(', ')}) into ${path.relative(process.cwd(), output)} (${sdl.length} bytes).`);
  } catch (error) {
    if (error instanceof CompositionError) {
      console.error(`Composition failed with ${error.problems.length} error(s):`);
      for (const problem of error.problems) {
        console.error(`  ✗ [${problem.subgraphs.join(', ') || 'supergraph'}] ${problem.code ? `${problem.code}: ` : ''}${problem.message}`);
      }
    } else {
      console.error(error instanceof Error ? error.message : error);
    }
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
