import { describe, expect, it } from 'vitest';
import { lookupKey } from './lookup.ts';

describe('lookupKey', () => {
  it('takes an id or a slug', () => {
    expect(lookupKey({ id: 'a' }, 'product')).toEqual({ ok: true, value: { by: 'id', id: 'a' } });
    expect(lookupKey({ slug: ' linen-shirt ', id: null }, 'product')).toEqual({ ok: true, value: { by: 'slug', slug: 'linen-shirt' } });
  });
  it('refuses both or neither', () => {
    expect(lookupKey({ id: 'a', slug: 'b' }, 'product')).toMatchObject({ ok: false, message: expect.stringMatching(/exactly one/) });
    expect(lookupKey({}, 'category')).toMatchObject({ ok: false, message: expect.stringMatching(/category/) });
  });
});
