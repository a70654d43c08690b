import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkCursorSort,
  cursorFor,
  effectiveSort,
  normalizeProductFilter,
  priceBounds,
  productCursorSchema,
  ProductSorts,
} from './product-listing.ts';

describe('effectiveSort', () => {
  it('defaults to RELEVANCE when searching and NEWEST otherwise', () => {
    expect(effectiveSort(null, true)).toBe('RELEVANCE');
    expect(effectiveSort(undefined, false)).toBe('NEWEST');
  });
  it('treats RELEVANCE without a search as NEWEST', () => {
    expect(effectiveSort('RELEVANCE', false)).toBe('NEWEST');
  });
  it('keeps an explicit sort', () => {
    expect(effectiveSort('PRICE_DESC', true)).toBe('PRICE_DESC');
    expect(effectiveSort('NAME_ASC', false)).toBe('NAME_ASC');
  });
});

describe('cursors', () => {
  const keys = { id: randomUUID(), createdAt: new Date('2025-03-04T05:06:07.089Z'), minPrice: 1999, name: 'Linen Shirt', rank: '1.6079270839691162' };

  it.each(ProductSorts)('round-trips a %s cursor through its schema', (sort) => {
    const cursor = cursorFor(sort, keys);
    expect(productCursorSchema.parse(JSON.parse(JSON.stringify(cursor)))).toEqual(cursor);
    expect(cursor.id).toBe(keys.id);
  });

  it('keeps the exact timestamp and rank', () => {
    expect(cursorFor('NEWEST', keys)).toMatchObject({ t: '2025-03-04T05:06:07.089Z' });
    expect(cursorFor('RELEVANCE', keys)).toMatchObject({ r: '1.6079270839691162' });
  });

  it.each([
    { s: 'NEWEST', t: 'yesterday', id: randomUUID() },
    { s: 'PRICE_ASC', p: 1.5, id: randomUUID() },
    { s: 'PRICE_ASC', p: 10, id: 'not-a-uuid' },
    { s: 'SHUFFLE', id: randomUUID() },
    { s: 'RELEVANCE', r: 'high', id: randomUUID() },
    { s: 'RELEVANCE', r: 0.5, id: randomUUID() },
    { s: 'RELEVANCE', r: '1; DROP TABLE x', id: randomUUID() },
    // Well-formed JSON that the compared column would refuse in SQL.
    { s: 'NEWEST', t: '0000-01-01T00:00:00.000Z', id: randomUUID() },
    { s: 'NEWEST', t: '2025-02-30T00:00:00.000Z', id: randomUUID() },
    { s: 'PRICE_ASC', p: 1e15, id: randomUUID() },
    { s: 'PRICE_DESC', p: -(2 ** 31) - 1, id: randomUUID() },
    { s: 'RELEVANCE', r: '1e999', id: randomUUID() },
    { s: 'RELEVANCE', r: '1e-999', id: randomUUID() },
    { s: 'NAME_ASC', n: 'lamp\u0000', id: randomUUID() },
    { s: 'NAME_ASC', n: 'lamp\ud800', id: randomUUID() },
    {},
  ])('rejects a forged cursor %j', (value) => {
    expect(productCursorSchema.safeParse(value).success).toBe(false);
  });

  it('refuses a cursor from another sort', () => {
    const cursor = cursorFor('PRICE_ASC', keys);
    expect(checkCursorSort(cursor, 'PRICE_ASC').ok).toBe(true);
    expect(checkCursorSort(cursor, 'PRICE_DESC')).toMatchObject({
      ok: false,
      errors: [{ code: 'BAD_USER_INPUT', message: 'The `after` cursor belongs to a list sorted by PRICE_ASC, not PRICE_DESC.' }],
    });
    expect(checkCursorSort(null, 'NEWEST')).toEqual({ ok: true, value: null });
  });
});

describe('price filter rules', () => {
  it('is absent when neither bound is given', () => {
    expect(priceBounds(null, undefined)).toEqual({ ok: true, value: null });
  });
  it('accepts one or both bounds, inclusive', () => {
    expect(priceBounds(1000, null)).toEqual({ ok: true, value: { min: 1000, max: null } });
    expect(priceBounds(0, 0)).toEqual({ ok: true, value: { min: 0, max: 0 } });
  });
  it.each([
    [-1, null, /minPrice/],
    [null, -5, /maxPrice/],
    [10.5, null, /whole/],
    [500, 100, /must not exceed/],
  ])('refuses min=%s max=%s', (min, max, message) => {
    expect(priceBounds(min, max)).toMatchObject({ ok: false, errors: [{ code: 'BAD_USER_INPUT', message: expect.stringMatching(message) }] });
  });
});

describe('normalizeProductFilter', () => {
  it('parses search and keeps ids', () => {
    const categoryId = randomUUID();
    const result = normalizeProductFilter({ search: ' Headph ', categoryId, minPrice: 100 });
    expect(result).toMatchObject({ ok: true, value: { categoryId, vendorId: null, price: { min: 100, max: null }, search: { terms: ['headph'] } } });
  });
  it('treats a missing filter as no filter', () => {
    expect(normalizeProductFilter(null)).toEqual({ ok: true, value: { search: null, categoryId: null, vendorId: null, price: null } });
  });
  it('refuses a search holding characters no product has', () => {
    for (const search of ['lamp\u0000', 'lamp\udc00', 'lamp\u0007']) {
      expect(normalizeProductFilter({ search })).toMatchObject({ ok: false, errors: [{ code: 'BAD_USER_INPUT', message: expect.stringMatching(/filter\.search/) }] });
    }
  });
  it('refuses ids that are not UUIDs', () => {
    expect(normalizeProductFilter({ vendorId: '42' })).toMatchObject({ ok: false, errors: [{ code: 'BAD_USER_INPUT', message: expect.stringMatching(/vendorId/) }] });
    expect(normalizeProductFilter({ categoryId: "1' OR 1=1" })).toMatchObject({ ok: false, errors: [{ code: 'BAD_USER_INPUT' }] });
  });
});
