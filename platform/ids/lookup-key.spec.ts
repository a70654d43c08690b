import { describe, expect, it } from 'vitest';
import { lookupKey } from './lookup-key.ts';

describe('lookupKey', () => {
  it('takes an id or a slug', () => {
    expect(lookupKey({ id: 'a' }, 'product')).toEqual({ ok: true, value: { by: 'id', id: 'a' } });
    expect(lookupKey({ slug: ' linen-shirt ', id: null }, 'product')).toEqual({ ok: true, value: { by: 'slug', slug: 'linen-shirt' } });
  });

  it('refuses both or neither as BAD_USER_INPUT', () => {
    expect(lookupKey({ id: 'a', slug: 'b' }, 'product')).toEqual({
      ok: false,
      errors: [{ code: 'BAD_USER_INPUT', field: null, message: 'Pass exactly one of `id` or `slug` to look up a product.' }],
    });
    for (const args of [{}, { id: null, slug: null }]) {
      expect(lookupKey(args, 'category')).toMatchObject({ ok: false, errors: [{ code: 'BAD_USER_INPUT', message: expect.stringMatching(/category/) }] });
    }
  });
});

describe('lookupKey slugs', () => {
  it.each(['linen\u0000shirt', 'linen\uD800', 'linen\u0007shirt'])('refuses %j, which no slug can be, as BAD_USER_INPUT', (slug) => {
    expect(lookupKey({ slug }, 'product')).toMatchObject({ ok: false, errors: [{ code: 'BAD_USER_INPUT', message: expect.stringMatching(/`slug`/) }] });
  });
});
