/**
 * Turns what a shopper typed into search terms the database can use safely. Only runs of
 * letters and digits survive, so the tsquery strings below never contain tsquery operators
 * (`& | ! ( ) : * <->`) from user text; they are still sent as bound parameters.
 */
export interface SearchQuery {
  /** Lower-cased terms, in the order typed, duplicates removed. */
  terms: string[];
  /** For `to_tsquery('english', …)`: every term, stemmed by Postgres ("headphone" finds "headphones"). */
  stemmed: string;
  /** For `to_tsquery('simple', …)`: every term as a prefix ("headph" finds "headphones"). */
  prefix: string;
  /** For pg_trgm word similarity against the name: rescues typos ("hedphones"). */
  fuzzy: string;
}

/** Enough for any real query; bounds the work a single request can ask of the database. */
export const MAX_SEARCH_TERMS = 8;
export const MAX_TERM_LENGTH = 40;
const MAX_INPUT_LENGTH = 200;

/** Null when the text holds no searchable term (blank, or only punctuation): search is then ignored. */
export function parseSearchQuery(text: string | null | undefined): SearchQuery | null {
  if (!text) return null;
  const words = text
    .slice(0, MAX_INPUT_LENGTH)
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .map((word) => word.slice(0, MAX_TERM_LENGTH));
  const terms = [...new Set(words)].slice(0, MAX_SEARCH_TERMS);
  if (terms.length === 0) return null;
  return {
    terms,
    stemmed: terms.join(' & '),
    prefix: terms.map((term) => `${term}:*`).join(' & '),
    fuzzy: terms.join(' '),
  };
}
