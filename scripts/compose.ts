import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { CompositionError, composeSupergraph, type SubgraphSource } from '../gateway/supergraph/compose.ts';
import { SUBGRAPHS, type SubgraphName } from '../subgraphs/registry.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Where a subgraph runs in development (`npm start`), and where the composed file routes it. */
export const developmentUrl = (port: number) => `http://127.0.0.1:${port}/graphql`;
const schemaFile = (name: string) => `subgraphs/${name}/schema.graphql`;

/**
 * Composes every subgraph of the registry from its `schema.graphql` into the supergraph SDL the
 * gateway serves, the way `rover supergraph compose` does but without rover's binary download.
 * `urls` replaces routing URLs (stacks on other ports). Throws CompositionError naming the
 * subgraphs at fault.
 */
export async function composeSubgraphs(urls: Partial<Record<SubgraphName, string>> = {}): Promise<string> {
  const subgraphs: SubgraphSource[] = await Promise.all(
    SUBGRAPHS.map(async ({ name, port }) => {
      const file = path.join(ROOT, schemaFile(name));
      let typeDefs: string;
      try {
        typeDefs = await readFile(file, 'utf8');
      } catch {
        throw new CompositionError([{ subgraphs: [name], code: null, message: `cannot read its schema file ${file}` }]);
      }
      return { name, url: urls[name] ?? developmentUrl(port), typeDefs };
    }),
  );
  return composeSupergraph(subgraphs);
}

/** supergraph.yaml in rover's format, derived from the registry, for anyone who composes with rover. */
export function supergraphYaml(): string {
  const version = (createRequire(import.meta.url)('@apollo/composition/package.json') as { version: string }).version;
  const subgraphs = Object.fromEntries(
    SUBGRAPHS.map(({ name, port }) => [name, { routing_url: developmentUrl(port), schema: { file: `./${schemaFile(name)}` } }]),
  );
  return (
    '# Written by `npm run compose` from subgraphs/registry.ts (do not edit): the subgraphs in rover\'s format.\n' +
    stringify({ federation_version: `=${version}`, subgraphs })
  );
}

async function main(): Promise<void> {
  const output = path.join(ROOT, 'supergraph.graphql');
  try {
    const sdl = await composeSubgraphs();
    await writeFile(output, sdl);
    await writeFile(path.join(ROOT, 'supergraph.yaml'), supergraphYaml());
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
