import { readFile } from 'node:fs/promises';
import { Kind, parse, print, visit, type DirectiveNode, type StringValueNode } from 'graphql';

export interface SupergraphSubgraph {
  /** The name the subgraph was composed under (lowercase here, e.g. `users`). */
  name: string;
  /** Where the gateway sends that subgraph's fetches. */
  url: string;
}

export interface LoadedSupergraph {
  sdl: string;
  subgraphs: SupergraphSubgraph[];
}

/** The supergraph file is missing, unreadable or names subgraphs it does not have. */
export class SupergraphLoadError extends Error {
  override name = 'SupergraphLoadError';
}

/** Reads the composed supergraph (see `npm run compose`) and applies the routing-URL overrides. */
export async function loadSupergraph(path: string, urlOverrides: Record<string, string> = {}): Promise<LoadedSupergraph> {
  let sdl: string;
  try {
    sdl = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist (run `npm run compose`)' : String(error);
    throw new SupergraphLoadError(`The supergraph file ${path} ${reason}.`);
  }
  return overrideSubgraphUrls(sdl, urlOverrides);
}

/**
 * Rewrites the `url` of `@join__graph(name: …, url: …)` entries, so one composed file serves
 * any deployment (tests on ephemeral ports, the bench on 41xx). An override for a subgraph the
 * supergraph does not have is an error: it is almost always a typo in an env var name.
 */
export function overrideSubgraphUrls(sdl: string, urlOverrides: Record<string, string>): LoadedSupergraph {
  let document;
  try {
    document = parse(sdl);
  } catch (error) {
    throw new SupergraphLoadError(`The supergraph does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  const subgraphs: SupergraphSubgraph[] = [];
  const overrides = new Map(Object.entries(urlOverrides).map(([name, url]) => [name.toLowerCase(), url]));
  const rewritten = visit(document, {
    Directive(node: DirectiveNode): DirectiveNode | undefined {
      if (node.name.value !== 'join__graph') return undefined;
      const name = stringArgument(node, 'name');
      const url = stringArgument(node, 'url');
      if (name === null || url === null) return undefined;
      const replacement = overrides.get(name.toLowerCase());
      subgraphs.push({ name, url: replacement ?? url });
      if (replacement === undefined) return undefined;
      return {
        ...node,
        arguments: (node.arguments ?? []).map((arg) =>
          arg.name.value === 'url' ? { ...arg, value: { kind: Kind.STRING, value: replacement } satisfies StringValueNode } : arg,
        ),
      };
    },
  });
  if (subgraphs.length === 0) throw new SupergraphLoadError('The supergraph names no subgraphs (no @join__graph).');
  const known = new Set(subgraphs.map((s) => s.name.toLowerCase()));
  const unknown = [...overrides.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new SupergraphLoadError(
      `URL overrides name subgraphs the supergraph does not have: ${unknown.join(', ')} (it has ${[...known].join(', ')}).`,
    );
  }
  return { sdl: overrides.size > 0 ? print(rewritten) : sdl, subgraphs };
}

function stringArgument(node: DirectiveNode, name: string): string | null {
  const value = node.arguments?.find((arg) => arg.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : null;
}
