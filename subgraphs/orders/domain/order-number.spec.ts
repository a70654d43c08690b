import { describe, expect, it } from 'vitest';
import { orderNumber, vendorOrderNumber } from './order-number.ts';

describe('order numbers', () => {
  it.each([
    [1, 'SH-000001'],
    [123, 'SH-000123'],
    [999_999, 'SH-999999'],
    [1_000_000, 'SH-1000000'],
    [12_345_678_901n, 'SH-12345678901'],
  ] as const)('sequence %s → %s', (sequence, number) => {
    expect(orderNumber(sequence)).toBe(number);
  });

  it('numbers vendor orders by position', () => {
    expect(vendorOrderNumber('SH-000123', 2)).toBe('SH-000123-2');
  });

  it('refuses values no sequence hands out', () => {
    expect(() => orderNumber(0)).toThrow(RangeError);
    expect(() => vendorOrderNumber('SH-000001', 0)).toThrow(RangeError);
  });
});
