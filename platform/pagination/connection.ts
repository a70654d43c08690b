import type { z } from 'zod';
import { invalidArgument, ok, type Result } from '../errors/result.ts';

/** Relay connection arguments as clients send them. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export interface PageRequest<TCursor> {
  /** How many rows to return. */
  limit: number;
  /** The decoded `after` cursor, or null for the first page. */
  after: TCursor | null;
}

export interface Connection<TNode> {
  edges: { node: TNode; cursor: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Cursors are opaque to clients: base64url JSON, validated on the way back in. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<TCursor>(cursor: string, schema: z.ZodType<TCursor>): Result<TCursor> {
  try {
    return ok(schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))));
  } catch {
    return invalidArgument('The `after` cursor is not valid for this list.');
  }
}

/** Reads `first`/`after` (BAD_USER_INPUT when wrong), enforcing 1 ≤ first ≤ MAX_PAGE_SIZE so no client can ask for the whole table. */
export function pageRequest<TCursor>(
  args: ConnectionArgs,
  cursorSchema: z.ZodType<TCursor>,
  maxPageSize = MAX_PAGE_SIZE,
): Result<PageRequest<TCursor>> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > maxPageSize) {
    return invalidArgument(`\`first\` must be between 1 and ${maxPageSize}; got ${first}.`);
  }
  if (!args.after) return ok({ limit: first, after: null });
  const after = decodeCursor(args.after, cursorSchema);
  return after.ok ? ok({ limit: first, after: after.value }) : after;
}

/**
 * Builds a connection from rows fetched with `limit + 1` (the extra row only tells whether
 * another page exists) and a function giving each node's cursor value.
 */
export function toConnection<TNode, TCursor>(
  rows: TNode[],
  page: PageRequest<TCursor>,
  totalCount: number,
  cursorOf: (node: TNode) => unknown,
): Connection<TNode> {
  const nodes = rows.slice(0, page.limit);
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(cursorOf(node)) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.limit,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
