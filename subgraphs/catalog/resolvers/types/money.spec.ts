import { describe, expect, it } from 'vitest';
import { formatMoney, money } from '../../../../platform/money/money.ts';
import { formatPrice } from './money.ts';

describe('formatPrice', () => {
  it('prints exactly what platform formatMoney prints, for every exponent and repeated calls', () => {
    const cases = [money(1999, 'EUR'), money(0, 'EUR'), money(123456789, 'USD'), money(1999, 'JPY'), money(1234, 'KWD'), money(-250, 'GBP'), money(1999, 'EUR')];
    for (const value of cases) expect(formatPrice(value)).toBe(formatMoney(value));
    expect(formatPrice(money(1999, 'EUR'))).toBe('€19.99');
  });
});
