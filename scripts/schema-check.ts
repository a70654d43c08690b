import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { printSchema as printFederationSchema, Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type * as graphql from 'graphql';
import { buildSchema, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { CompositionError, composeSupergraph, type SubgraphSource } from '../gateway/supergraph/compose.ts';
import { SUBGRAPHS } from '../subgraphs/registry.ts';
import { developmentUrl } from './compose.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The committed API schema, relative to the repository root: what clients saw when it was last reviewed. */
export const API_SNAPSHOT = 'schema/api.graphql';

const SNAPSHOT_HEADER =
  '# The API schema clients see, composed from subgraphs/*/schema.graphql (do not edit by hand).\n' +
  '# `npm run schema:check` diffs the composition against this file; after review, `npm run schema:check -- --write` updates it.\n\n';

/**
 * Composes the subgraphs' SDL under `root` (`subgraphs/<name>/schema.graphql` for every name of
 * the registry) and derives the API schema: the supergraph without federation's join/link
 * machinery and anything `@inaccessible`, i.e. exactly what a client can query. Printed sorted,
 * so the snapshot's diff in a PR shows only real changes, not reordering.
 */
export async function composeApiSchema(root: string = ROOT): Promise<string> {
  const subgraphs: SubgraphSource[] = await Promise.all(
    SUBGRAPHS.map(async ({ name, port }) => {
      const file = path.join(root, 'subgraphs', name, 'schema.graphql');
      let typeDefs: string;
      try {
        typeDefs = await readFile(file, 'utf8');
      } catch {
        throw new CompositionError([{ subgraphs: [name], code: null, message: `cannot read its schema file ${file}` }]);
      }
      return { name, url: developmentUrl(port), typeDefs };
    }),
  );
  // Through SDL text, not graphql-js objects: federation-internals loads graphql's CommonJS build,
  // which under ESM (vitest) is another copy than ours, and graphql refuses mixing the two.
  const api = buildSchema(printFederationSchema(Supergraph.build(composeSupergraph(subgraphs)).apiSchema()));
  return `${SNAPSHOT_HEADER}${printSchema(lexicographicSortSchema(api))}\n`;
}

export type ChangeGroup = 'BREAKING' | 'DANGEROUS' | 'SAFE';

export interface SchemaCheck {
  /** Every change from the snapshot to the composed API schema, by criticality. */
  groups: Record<ChangeGroup, Change[]>;
  /** True when a client written against the snapshot may break. */
  breaking: boolean;
}

const groupOf = (change: Change): ChangeGroup =>
  change.criticality.level === CriticalityLevel.Breaking ? 'BREAKING' : change.criticality.level === CriticalityLevel.Dangerous ? 'DANGEROUS' : 'SAFE';

/** Diffs two API schemas (SDL) with GraphQL Inspector's rules (the ones Hive and GitHub's action run). */
export async function compareApiSchemas(snapshotSdl: string, currentSdl: string): Promise<SchemaCheck> {
  const changes = await diff(buildSdl(snapshotSdl), buildSdl(currentSdl));
  const groups: Record<ChangeGroup, Change[]> = { BREAKING: [], DANGEROUS: [], SAFE: [] };
  for (const change of changes) groups[groupOf(change)].push(change);
  return { groups, breaking: groups.BREAKING.length > 0 };
}

/**
 * graphql ships two builds (CommonJS and .mjs) and refuses objects from the other one. Node loads
 * the CommonJS one for every importer, GraphQL Inspector included; vitest hands our own imports
 * the .mjs one. So the schemas Inspector compares are built with the copy `require` gives it.
 */
const inspectorGraphql = createRequire(import.meta.url)('graphql') as typeof graphql;

function buildSdl(sdl: string): GraphQLSchema {
  return inspectorGraphql.buildSchema(sdl);
}

/** Composes the subgraphs under `root` and compares the result with its committed snapshot. */
export async function checkSchema(root: string = ROOT): Promise<SchemaCheck & { current: string }> {
  const current = await composeApiSchema(root);
  const snapshot = await readFile(path.join(root, API_SNAPSHOT), 'utf8');
  return { ...(await compareApiSchemas(snapshot, current)), current };
}

/** The report the CLI prints: each group with every change's path, the breaking ones first. */
export function formatSchemaCheck(check: SchemaCheck): string {
  const total = Object.values(check.groups).reduce((sum, changes) => sum + changes.length, 0);
  if (total === 0) return `No changes to the API schema (${API_SNAPSHOT}).`;
  const lines: string[] = [];
  for (const group of ['BREAKING', 'DANGEROUS', 'SAFE'] as const) {
    const changes = check.groups[group];
    if (changes.length === 0) continue;
    lines.push(`${group} (${changes.length})`);
    for (const change of changes) {
      const reason = change.criticality.reason && group !== 'SAFE' ? ` (${change.criticality.reason})` : '';
      lines.push(`  ${group === 'BREAKING' ? '✗' : group === 'DANGEROUS' ? '!' : '✓'} ${change.path ?? '(schema)'}: ${change.message}${reason}`);
    }
  }
  lines.push(
    check.breaking
      ? `Breaking changes against ${API_SNAPSHOT}: clients written against it may fail. Deprecate first, or, after review, run \`npm run schema:check -- --write\`.`
      : `No breaking changes. Run \`npm run schema:check -- --write\` to record them in ${API_SNAPSHOT}.`,
  );
  return lines.join('\n');
}

/** `--write` records the composed API schema as the new snapshot; `--root <dir>` checks another checkout (tests). */
async function main(argv: string[]): Promise<number> {
  const rootIndex = argv.indexOf('--root');
  const root = rootIndex >= 0 && argv[rootIndex + 1] ? path.resolve(argv[rootIndex + 1] ?? '') : ROOT;
  try {
    if (argv.includes('--write')) {
      const current = await composeApiSchema(root);
      await mkdir(path.join(root, path.dirname(API_SNAPSHOT)), { recursive: true });
      await writeFile(path.join(root, API_SNAPSHOT), current);
      console.log(`Wrote the API schema to ${API_SNAPSHOT} (${current.length} bytes).`);
      return 0;
    }
    const check = await checkSchema(root);
    console.log(formatSchemaCheck(check));
    return check.breaking ? 1 : 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
