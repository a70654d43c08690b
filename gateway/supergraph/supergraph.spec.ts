import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { composeSubgraphs } from '../../scripts/compose.ts';
import { ACCOUNTS_SDL, SHELF_SDL } from '../testing/toy-platform.ts';
import { CompositionError, composeSupergraph } from './compose.ts';
import { listSubgraphs, loadSupergraph, routeSubgraphs, SupergraphLoadError } from './load-supergraph.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'supergraph-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const toys = [
  { name: 'accounts', url: 'http://127.0.0.1:5001/graphql', typeDefs: ACCOUNTS_SDL },
  { name: 'shelf', url: 'http://127.0.0.1:5002/graphql', typeDefs: SHELF_SDL },
];

function compositionError(run: () => unknown): CompositionError {
  try {
    run();
  } catch (error) {
    if (error instanceof CompositionError) return error;
    throw error;
  }
  throw new Error('expected a CompositionError');
}

describe('composeSupergraph', () => {
  it('composes subgraphs into a supergraph naming each with its URL', () => {
    const sdl = composeSupergraph(toys);
    expect(sdl).toContain('@join__graph(name: "accounts", url: "http://127.0.0.1:5001/graphql")');
    expect(sdl).toContain('@join__graph(name: "shelf", url: "http://127.0.0.1:5002/graphql")');
  });

  it('names the failing subgraphs and composition message', () => {
    const clash = SHELF_SDL.replace('type Query {', 'type Query {\n  """Clash."""\n  echo: Int\n');
    const error = compositionError(() => composeSupergraph([toys[0]!, { ...toys[1]!, typeDefs: clash }]));
    expect(error.problems.some((p) => p.subgraphs.includes('accounts') && p.subgraphs.includes('shelf'))).toBe(true);
    expect(error.message).toMatch(/\[accounts, shelf\] .*Query\.echo/);
  });

  it('names a subgraph whose SDL does not parse, and duplicate names', () => {
    const error = compositionError(() => composeSupergraph([toys[0]!, { ...toys[1]!, typeDefs: 'type Query {' }, toys[0]!]));
    expect(error.problems.map((p) => [p.subgraphs, p.code])).toEqual([
      [['shelf'], 'INVALID_GRAPHQL'],
      [['accounts'], null],
    ]);
  });
});

describe('loadSupergraph', () => {
  const sdl = composeSupergraph(toys);
  const file = path.join(dir, 'supergraph.graphql');
  writeFileSync(file, sdl);

  it('reads the subgraphs and their URLs', async () => {
    const loaded = await loadSupergraph(file);
    expect(loaded.sdl).toBe(sdl);
    expect(loaded.subgraphs).toEqual([
      { name: 'accounts', url: 'http://127.0.0.1:5001/graphql' },
      { name: 'shelf', url: 'http://127.0.0.1:5002/graphql' },
    ]);
  });

  it('refuses a missing file and a document that is not a supergraph', async () => {
    await expect(loadSupergraph(path.join(dir, 'missing.graphql'))).rejects.toThrow(/does not exist \(run `npm run compose`\)/);
    expect(() => listSubgraphs('type Query { a: Int }')).toThrow(SupergraphLoadError);
    expect(() => listSubgraphs('type Query {')).toThrow(/does not parse/);
  });
});

describe('routeSubgraphs', () => {
  const composed = [
    { name: 'accounts', url: 'http://127.0.0.1:5001/graphql' },
    { name: 'shelf', url: 'http://127.0.0.1:5002/graphql' },
  ];

  it('keeps composed URLs and replaces the overridden ones by subgraph name', () => {
    expect(routeSubgraphs(composed, {})).toEqual(composed);
    expect(routeSubgraphs(composed, { SHELF: 'http://10.0.0.9:80/graphql' })).toEqual([
      composed[0],
      { name: 'shelf', url: 'http://10.0.0.9:80/graphql' },
    ]);
  });

  it('refuses overrides for subgraphs the supergraph does not have, naming them and the ones it has', () => {
    expect(() => routeSubgraphs(composed, { shelff: 'http://x/graphql' })).toThrow(
      new SupergraphLoadError('URL overrides name subgraphs the supergraph does not have: shelff (it has accounts, shelf).'),
    );
  });
});

describe('composeSubgraphs (the registry)', () => {
  it('composes every subgraph of the registry, routing URLs replaceable by name', async () => {
    const sdl = await composeSubgraphs({ catalog: 'http://127.0.0.1:6002/graphql' });
    expect(sdl).toContain('@join__graph(name: "users", url: "http://127.0.0.1:4001/graphql")');
    expect(sdl).toContain('@join__graph(name: "catalog", url: "http://127.0.0.1:6002/graphql")');
  });
});
