import type { Check } from './product-listing.ts';

export type LookupKey = { by: 'id'; id: string } | { by: 'slug'; slug: string };

/** `product(id, slug)` and `category(id, slug)` take exactly one key; both or neither is a client bug. */
export function lookupKey(args: { id?: string | null; slug?: string | null }, what: string): Check<LookupKey> {
  const hasId = args.id != null;
  const hasSlug = args.slug != null;
  if (hasId === hasSlug) return { ok: false, message: `Pass exactly one of \`id\` or \`slug\` to look up a ${what}.` };
  return { ok: true, value: hasId ? { by: 'id', id: args.id as string } : { by: 'slug', slug: (args.slug as string).trim() } };
}
