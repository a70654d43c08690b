/** URL-safe names for products and categories: lower-case ASCII words joined by single hyphens. */
export const SLUG_MAX_LENGTH = 80;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Derives a slug from a display name: accents folded ("Café" → "cafe"), "&" read as "and",
 * anything else that is not a letter or digit becomes a hyphen, cut at a word boundary when long.
 * Returns "" when nothing usable is left (e.g. a name in a script with no ASCII letters).
 */
export function slugify(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/&/g, ' and ')
    .toLowerCase();
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length <= SLUG_MAX_LENGTH) return slug;
  const cut = slug.slice(0, SLUG_MAX_LENGTH + 1);
  const lastHyphen = cut.lastIndexOf('-');
  return (lastHyphen > 0 ? cut.slice(0, lastHyphen) : cut.slice(0, SLUG_MAX_LENGTH)).replace(/-+$/, '');
}

export function isValidSlug(slug: string): boolean {
  return slug.length > 0 && slug.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(slug);
}

/**
 * The slug to try after `base` was taken: a short suffix that is unique enough (taken from the
 * new record's id), keeping the whole within the length limit.
 */
export function slugWithSuffix(base: string, suffix: string): string {
  const tail = suffix
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8);
  const head = base.slice(0, SLUG_MAX_LENGTH - tail.length - 1).replace(/-+$/, '');
  return head ? `${head}-${tail}` : tail;
}
