import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, type DocumentNode } from 'graphql';

export interface SubgraphSource {
  name: string;
  /** The routing URL written into the supergraph. */
  url: string;
  /** The subgraph's SDL (Federation 2, with its `@link`). */
  typeDefs: string;
}

export interface CompositionProblem {
  /** The subgraphs the problem is about; empty when composition did not say. */
  subgraphs: string[];
  /** Composition's error code, e.g. INVALID_GRAPHQL or FIELD_TYPE_MISMATCH. */
  code: string | null;
  message: string;
}

/** The subgraphs do not form a supergraph; `problems` says which subgraph is at fault and why. */
export class CompositionError extends Error {
  override name = 'CompositionError';
  constructor(readonly problems: CompositionProblem[]) {
    super(
      `Supergraph composition failed with ${problems.length} error(s):\n` +
        problems.map((p) => `  - [${p.subgraphs.join(', ') || 'supergraph'}] ${p.code ? `${p.code}: ` : ''}${p.message}`).join('\n'),
    );
  }
}

/**
 * Composes subgraph SDLs into a supergraph SDL (the static schema the gateway serves), the way
 * `rover supergraph compose` does, without rover's binary download.
 */
export function composeSupergraph(subgraphs: SubgraphSource[]): string {
  const names = subgraphs.map((s) => s.name);
  const problems: CompositionProblem[] = [];
  const seen = new Set<string>();
  const definitions: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  for (const subgraph of subgraphs) {
    if (seen.has(subgraph.name)) {
      problems.push({ subgraphs: [subgraph.name], code: null, message: 'is listed twice' });
      continue;
    }
    seen.add(subgraph.name);
    try {
      definitions.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.typeDefs) });
    } catch (error) {
      const message = error instanceof GraphQLError ? error.message : String(error);
      problems.push({ subgraphs: [subgraph.name], code: 'INVALID_GRAPHQL', message: `schema does not parse: ${message}` });
    }
  }
  if (subgraphs.length === 0) problems.push({ subgraphs: [], code: null, message: 'no subgraphs to compose' });
  if (problems.length > 0) throw new CompositionError(problems);

  const result = composeServices(definitions);
  if (result.errors) {
    throw new CompositionError(
      result.errors.map((error) => ({
        subgraphs: subgraphsNamedIn(error.message, names),
        code: typeof error.extensions.code === 'string' ? error.extensions.code : null,
        message: error.message,
      })),
    );
  }
  return result.supergraphSdl;
}

/**
 * Composition names subgraphs inside its messages (`[users] …`, `subgraph "catalog"`,
 * `subgraphs "users" and "catalog"`); pull them out so each problem says whom to fix.
 */
function subgraphsNamedIn(message: string, names: string[]): string[] {
  return names.filter((name) => {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`\\[${escaped}\\]|"${escaped}"`).test(message);
  });
}
