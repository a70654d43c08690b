import { describe, expect, it } from 'vitest';
import { linesOf, sameLines, validateReservation } from './reservation.ts';

const a = '00000000-0000-4000-8000-00000000000a';
const b = '00000000-0000-4000-8000-00000000000b';

describe('validateReservation', () => {
  it('merges lines of one variant and sorts by variant id (a stable lock order)', () => {
    const valid = validateReservation(' order-1 ', [{ variantId: b, quantity: 1 }, { variantId: a, quantity: 2 }, { variantId: b, quantity: 3 }], 60);
    expect(valid).toEqual({ ok: true, value: { reference: 'order-1', ttlSeconds: 60, lines: [{ variantId: a, quantity: 2 }, { variantId: b, quantity: 4 }] } });
  });

  it.each([
    { case: 'no lines', reference: 'r', lines: [], ttl: 60 },
    { case: 'a zero quantity', reference: 'r', lines: [{ variantId: a, quantity: 0 }], ttl: 60 },
    { case: 'a negative quantity', reference: 'r', lines: [{ variantId: a, quantity: -1 }], ttl: 60 },
    { case: 'a bad variant id', reference: 'r', lines: [{ variantId: 'x', quantity: 1 }], ttl: 60 },
    { case: 'an empty reference', reference: ' ', lines: [{ variantId: a, quantity: 1 }], ttl: 60 },
    { case: 'a zero TTL', reference: 'r', lines: [{ variantId: a, quantity: 1 }], ttl: 0 },
    { case: 'a TTL over a day', reference: 'r', lines: [{ variantId: a, quantity: 1 }], ttl: 86_401 },
  ])('refuses $case', ({ reference, lines, ttl }) => {
    expect(validateReservation(reference, lines, ttl).ok).toBe(false);
  });
});

describe('lines', () => {
  it('come back from allocations per variant', () => {
    expect(linesOf([{ variantId: b, quantity: 1 }, { variantId: a, quantity: 2 }, { variantId: b, quantity: 2 }])).toEqual([
      { variantId: a, quantity: 2 },
      { variantId: b, quantity: 3 },
    ]);
  });

  it('compare exactly', () => {
    expect(sameLines([{ variantId: a, quantity: 1 }], [{ variantId: a, quantity: 1 }])).toBe(true);
    expect(sameLines([{ variantId: a, quantity: 1 }], [{ variantId: a, quantity: 2 }])).toBe(false);
  });
});
