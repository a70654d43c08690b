import { invalidArgument, ok, type Result } from '../errors/result.ts';
import { textArgument } from '../validation/text.ts';

export type LookupKey = { by: 'id'; id: string } | { by: 'slug'; slug: string };

/**
 * Finders such as `product(id, slug)` take exactly one key; both or neither is a client bug
 * (BAD_USER_INPUT), and so is a slug holding characters no slug can have (it would otherwise
 * reach a query). The slug comes back trimmed.
 */
export function lookupKey(args: { id?: string | null; slug?: string | null }, what: string): Result<LookupKey> {
  if (args.id != null && args.slug == null) return ok({ by: 'id', id: args.id });
  if (args.slug != null && args.id == null) {
    const slug = textArgument(args.slug.trim(), 'slug');
    return slug.ok ? ok({ by: 'slug', slug: slug.value }) : slug;
  }
  return invalidArgument(`Pass exactly one of \`id\` or \`slug\` to look up a ${what}.`);
}
