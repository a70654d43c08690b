import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_TERMS, MAX_TERM_LENGTH, parseSearchQuery } from './search-query.ts';

describe('parseSearchQuery', () => {
  it('builds stemmed, prefix and fuzzy forms from the terms', () => {
    expect(parseSearchQuery('Wireless Headph')).toEqual({
      terms: ['wireless', 'headph'],
      stemmed: 'wireless & headph',
      prefix: 'wireless:* & headph:*',
      fuzzy: 'wireless headph',
    });
  });

  it.each([null, undefined, '', '   ', '!!!', '&|!():*<->', "''"])('ignores %j (no searchable term)', (text) => {
    expect(parseSearchQuery(text)).toBeNull();
  });

  it('strips every tsquery operator a user might type', () => {
    const parsed = parseSearchQuery("head:* & !phones | (x) <-> 'y' \\z");
    expect(parsed?.terms).toEqual(['head', 'phones', 'x', 'y', 'z']);
    for (const form of [parsed?.stemmed, parsed?.prefix, parsed?.fuzzy]) {
      expect(form).toMatch(/^[\p{L}\p{N} &:*]+$/u);
    }
    expect(parsed?.stemmed).not.toMatch(/[|!()<>'\\]/);
  });

  it('keeps letters of any script and digits, lower-cased', () => {
    expect(parseSearchQuery('Café MÜNCHEN 4K 日本')?.terms).toEqual(['café', 'münchen', '4k', '日本']);
  });

  it('normalises compatibility characters (full-width letters)', () => {
    expect(parseSearchQuery('ＳＨＩＲＴ')?.terms).toEqual(['shirt']);
  });

  it('drops duplicate terms and bounds their number and length', () => {
    expect(parseSearchQuery('shirt Shirt SHIRT')?.terms).toEqual(['shirt']);
    const many = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
    expect(parseSearchQuery(many)?.terms).toHaveLength(MAX_SEARCH_TERMS);
    expect(parseSearchQuery('x'.repeat(100))?.terms[0]).toHaveLength(MAX_TERM_LENGTH);
  });
});
