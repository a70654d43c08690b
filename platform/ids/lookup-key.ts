import { invalidArgument, ok, type Result } from '../errors/result.ts';

export type LookupKey = { by: 'id'; id: string } | { by: 'slug'; slug: string };

/**
 * Finders such as `product(id, slug)` take exactly one key; both or neither is a client bug
 * (BAD_USER_INPUT). The slug comes back trimmed.
 */
export function lookupKey(args: { id?: string | null; slug?: string | null }, what: string): Result<LookupKey> {
  if (args.id != null && args.slug == null) return ok({ by: 'id', id: args.id });
  if (args.slug != null && args.id == null) return ok({ by: 'slug', slug: args.slug.trim() });
  return invalidArgument(`Pass exactly one of \`id\` or \`slug\` to look up a ${what}.`);
}
