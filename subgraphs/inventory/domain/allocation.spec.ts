import { describe, expect, it } from 'vitest';
import { allocate, availableOf, totalAvailable, type LocationStock } from './allocation.ts';

const at = (locationCode: string, onHand: number, reserved = 0): LocationStock => ({ locationId: `id-${locationCode}`, locationCode, onHand, reserved });

describe('allocate', () => {
  it.each([
    { case: 'one warehouse holds it all', stocks: [at('A', 10)], quantity: 3, expected: [{ locationId: 'id-A', quantity: 3 }] },
    { case: 'the fullest warehouse first', stocks: [at('A', 2), at('B', 8)], quantity: 3, expected: [{ locationId: 'id-B', quantity: 3 }] },
    {
      case: 'split when no warehouse has enough alone',
      stocks: [at('A', 4), at('B', 5, 2)],
      quantity: 6,
      expected: [{ locationId: 'id-A', quantity: 4 }, { locationId: 'id-B', quantity: 2 }],
    },
    { case: 'ties go by code', stocks: [at('B', 5), at('A', 5)], quantity: 5, expected: [{ locationId: 'id-A', quantity: 5 }] },
    { case: 'exactly everything available', stocks: [at('A', 3, 1), at('B', 1)], quantity: 3, expected: [{ locationId: 'id-A', quantity: 2 }, { locationId: 'id-B', quantity: 1 }] },
    { case: 'one unit short: nothing (all or nothing)', stocks: [at('A', 3, 1), at('B', 1)], quantity: 4, expected: null },
    { case: 'no stock rows at all', stocks: [], quantity: 1, expected: null },
    { case: 'a zero quantity is no allocation', stocks: [at('A', 3)], quantity: 0, expected: null },
    { case: 'a fractional quantity is no allocation', stocks: [at('A', 3)], quantity: 1.5, expected: null },
  ])('$case', ({ stocks, quantity, expected }) => {
    expect(allocate(stocks, quantity)).toEqual(expected);
  });

  it('never hands out more than is available in a warehouse', () => {
    const stocks = [at('A', 7, 3), at('B', 2, 2), at('C', 9, 1)];
    const split = allocate(stocks, 12) ?? [];
    for (const part of split) {
      const stock = stocks.find((candidate) => candidate.locationId === part.locationId);
      expect(part.quantity).toBeLessThanOrEqual(stock ? availableOf(stock) : 0);
    }
    expect(split.reduce((sum, part) => sum + part.quantity, 0)).toBe(12);
  });
});

describe('availability', () => {
  it('is on hand minus reserved, summed, never negative', () => {
    expect(totalAvailable([at('A', 5, 2), at('B', 1, 1)])).toBe(3);
    expect(availableOf({ onHand: 1, reserved: 4 })).toBe(0);
  });
});
