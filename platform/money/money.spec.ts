import { describe, expect, it } from 'vitest';
import { add, compare, formatMoney, money, MoneyError, multiply, parseMajorUnits, subtract } from './money.ts';

describe('money', () => {
  it('keeps whole minor units and refuses fractions of a cent', () => {
    expect(money(1999, 'EUR')).toEqual({ amount: 1999, currency: 'EUR' });
    expect(() => money(19.99, 'EUR')).toThrow(MoneyError);
    expect(() => money(Number.MAX_SAFE_INTEGER + 2, 'EUR')).toThrow(MoneyError);
  });

  it('refuses codes that are not ISO 4217 shaped', () => {
    expect(() => money(100, 'eur')).toThrow(/ISO 4217/);
    expect(() => money(100, 'EURO')).toThrow(/ISO 4217/);
  });

  it('adds, subtracts and multiplies exactly, never mixing currencies', () => {
    expect(add(money(10, 'EUR'), money(20, 'EUR'))).toEqual(money(30, 'EUR'));
    expect(subtract(money(10, 'EUR'), money(25, 'EUR'))).toEqual(money(-15, 'EUR'));
    expect(multiply(money(333, 'EUR'), 3)).toEqual(money(999, 'EUR'));
    expect(() => add(money(10, 'EUR'), money(10, 'USD'))).toThrow(/EUR with USD/);
    expect(() => multiply(money(10, 'EUR'), 1.5)).toThrow(MoneyError);
    expect(compare(money(1, 'EUR'), money(2, 'EUR'))).toBe(-1);
  });

  it('formats by the currency exponent', () => {
    expect(formatMoney(money(1999, 'EUR'))).toBe('€19.99');
    expect(formatMoney(money(1999, 'JPY'))).toBe('¥1,999');
    expect(formatMoney(money(1234, 'KWD'))).toContain('1.234');
  });

  it('reuses formatters without mixing locales or currencies', () => {
    expect(formatMoney(money(123456, 'EUR'), 'de-DE')).toBe('1.234,56\u00a0€');
    expect(formatMoney(money(123456, 'EUR'))).toBe('€1,234.56');
    expect(formatMoney(money(123456, 'USD'))).toBe('$1,234.56');
    expect(formatMoney(money(123456, 'EUR'), 'de-DE')).toBe('1.234,56\u00a0€');
  });

  it('parses major units without float rounding', () => {
    expect(parseMajorUnits('0.29', 'EUR')).toEqual(money(29, 'EUR'));
    expect(parseMajorUnits('1019.1', 'EUR')).toEqual(money(101910, 'EUR'));
    expect(parseMajorUnits('-5', 'JPY')).toEqual(money(-5, 'JPY'));
    expect(() => parseMajorUnits('1.999', 'EUR')).toThrow(/2 decimal places/);
    expect(() => parseMajorUnits('1,00', 'EUR')).toThrow(MoneyError);
  });
});
