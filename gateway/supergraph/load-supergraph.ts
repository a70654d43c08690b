import { readFile } from 'node:fs/promises';
import { Kind, parse, visit, type DirectiveNode } from 'graphql';

export interface SupergraphSubgraph {
  /** The name the subgraph was composed under (lowercase here, e.g. `users`). */
  name: string;
  /** The subgraph's GraphQL URL. */
  url: string;
}

export interface LoadedSupergraph {
  /** The file's text, as composed. */
  sdl: string;
  /** Every subgraph with the routing URL composed into the file. */
  subgraphs: SupergraphSubgraph[];
}

/** The supergraph file is missing, unreadable or not a supergraph, or URL overrides name subgraphs it does not have. */
export class SupergraphLoadError extends Error {
  override name = 'SupergraphLoadError';
}

/** Reads the composed supergraph (see `npm run compose`) and lists its subgraphs. */
export async function loadSupergraph(path: string): Promise<LoadedSupergraph> {
  let sdl: string;
  try {
    sdl = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist (run `npm run compose`)' : String(error);
    throw new SupergraphLoadError(`The supergraph file ${path} ${reason}.`);
  }
  return { sdl, subgraphs: listSubgraphs(sdl) };
}

/** The `@join__graph(name: …, url: …)` entries of a supergraph. */
export function listSubgraphs(sdl: string): SupergraphSubgraph[] {
  let document;
  try {
    document = parse(sdl);
  } catch (error) {
    throw new SupergraphLoadError(`The supergraph does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  const subgraphs: SupergraphSubgraph[] = [];
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'join__graph') return;
      const name = stringArgument(node, 'name');
      const url = stringArgument(node, 'url');
      if (name !== null && url !== null) subgraphs.push({ name, url });
    },
  });
  if (subgraphs.length === 0) throw new SupergraphLoadError('The supergraph names no subgraphs (no @join__graph).');
  return subgraphs;
}

/**
 * Where the gateway sends each subgraph's fetches: the composed URL, or the override named after
 * the subgraph (so one composed file serves any deployment: tests on ephemeral ports, the bench
 * on 41xx). An override for a subgraph the supergraph does not have is refused: it is almost
 * always a typo in an environment variable's name.
 */
export function routeSubgraphs(subgraphs: SupergraphSubgraph[], urlOverrides: Record<string, string>): SupergraphSubgraph[] {
  const overrides = new Map(Object.entries(urlOverrides).map(([name, url]) => [name.toLowerCase(), url]));
  const known = new Set(subgraphs.map((subgraph) => subgraph.name.toLowerCase()));
  const unknown = [...overrides.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new SupergraphLoadError(
      `URL overrides name subgraphs the supergraph does not have: ${unknown.join(', ')} (it has ${[...known].join(', ')}).`,
    );
  }
  return subgraphs.map((subgraph) => ({ name: subgraph.name, url: overrides.get(subgraph.name.toLowerCase()) ?? subgraph.url }));
}

function stringArgument(node: DirectiveNode, name: string): string | null {
  const value = node.arguments?.find((arg) => arg.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : null;
}
