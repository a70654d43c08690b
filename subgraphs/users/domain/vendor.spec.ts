import { describe, expect, it } from 'vitest';
import { parseSlug, parseStoreDescription, parseStoreName } from './vendor.ts';

const field = ['input', 'slug'];

describe('store slug', () => {
  it.each([
    ['abc', 'abc'],
    ['Green-Leaf-Tea', 'green-leaf-tea'],
    ['  shop-42 ', 'shop-42'],
    ['a'.repeat(48), 'a'.repeat(48)],
  ])('accepts %j as %j', (raw, slug) => {
    expect(parseSlug(raw, field)).toEqual({ ok: true, value: slug });
  });

  it.each(['ab', 'a'.repeat(49), 'green_leaf', 'green leaf', 'café', '-green', 'green-', 'green--leaf', 'admin', 'www', 'a/b'])(
    'refuses %j',
    (raw) => {
      expect(parseSlug(raw, field)).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'VALIDATION_FAILED', field })] });
    },
  );
});

describe('store name and description', () => {
  it('validates lengths', () => {
    expect(parseStoreName('  Green   Leaf ', ['n'])).toEqual({ ok: true, value: 'Green Leaf' });
    expect(parseStoreName('G', ['n']).ok).toBe(false);
    expect(parseStoreName('x'.repeat(81), ['n']).ok).toBe(false);
    expect(parseStoreDescription('  ', ['d'])).toEqual({ ok: true, value: null });
    expect(parseStoreDescription('x'.repeat(2001), ['d']).ok).toBe(false);
    expect(parseStoreName('\u3164\u3164', ['n']).ok).toBe(false);
    expect(parseStoreName('Shop\u202E', ['n']).ok).toBe(false);
    expect(parseStoreName('Shop\uD800', ['n']).ok).toBe(false);
    expect(parseStoreDescription('Teas\u0000', ['d']).ok).toBe(false);
    expect(parseStoreDescription('Teas.\nAnd more teas.', ['d'])).toEqual({ ok: true, value: 'Teas.\nAnd more teas.' });
  });
});
