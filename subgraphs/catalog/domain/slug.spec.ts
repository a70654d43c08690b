import { describe, expect, it } from 'vitest';
import { isValidSlug, SLUG_MAX_LENGTH, slugify, slugWithSuffix } from './slug.ts';

describe('slugify', () => {
  it.each([
    ['Aurora Wireless Headphones', 'aurora-wireless-headphones'],
    ['  Linen   Summer Shirt!  ', 'linen-summer-shirt'],
    ['Café Crème — Noir', 'cafe-creme-noir'],
    ['Home & Kitchen', 'home-and-kitchen'],
    ['Straße 42', 'strasse-42'],
    ['T-Shirt (XL)', 't-shirt-xl'],
    ['日本語', ''],
    ['---', ''],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('cuts long names at a word boundary within the limit', () => {
    const slug = slugify('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
    expect(slug.endsWith('-')).toBe(false);
    expect(isValidSlug(slug)).toBe(true);
  });

  it('cuts a single huge word hard', () => {
    expect(slugify('a'.repeat(200))).toBe('a'.repeat(SLUG_MAX_LENGTH));
  });

  it('always produces a valid slug or an empty string', () => {
    for (const name of ['Ünïcödé Ñame', 'x', '1 2 3', 'a--b', '™ Brand ®']) {
      const slug = slugify(name);
      expect(slug === '' || isValidSlug(slug)).toBe(true);
    }
  });
});

describe('isValidSlug', () => {
  it.each(['a', 'abc-123', 'aurora-wireless-headphones'])('accepts %s', (slug) => expect(isValidSlug(slug)).toBe(true));
  it.each(['', 'Upper', 'two--hyphens', '-lead', 'trail-', 'sp ace', 'ümlaut', 'a'.repeat(SLUG_MAX_LENGTH + 1)])(
    'refuses %s',
    (slug) => expect(isValidSlug(slug)).toBe(false),
  );
});

describe('slugWithSuffix', () => {
  it('appends a short suffix from an id', () => {
    expect(slugWithSuffix('aurora-headphones', '3F2A9C1D-aaaa-bbbb')).toBe('aurora-headphones-3f2a9c1d');
  });
  it('stays within the limit for a maximal base', () => {
    const slug = slugWithSuffix('a'.repeat(SLUG_MAX_LENGTH), 'deadbeef');
    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
    expect(isValidSlug(slug)).toBe(true);
  });
  it('uses the suffix alone for an empty base', () => {
    expect(slugWithSuffix('', 'deadbeef')).toBe('deadbeef');
  });
});
