/**
 * Money is an integer count of minor units (cents) and an ISO 4217 code; never a float.
 * Arithmetic refuses to mix currencies.
 */
export interface Money {
  readonly amount: number;
  readonly currency: CurrencyCode;
}

export type CurrencyCode = string & { readonly __brand: 'CurrencyCode' };

/** Minor-unit digits for currencies whose exponent is not 2. */
const MINOR_UNIT_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, BHD: 3, KWD: 3, JOD: 3, OMR: 3, TND: 3 };

export class MoneyError extends Error {
  override name = 'MoneyError';
}

export function currencyCode(code: string): CurrencyCode {
  if (!/^[A-Z]{3}$/.test(code)) throw new MoneyError(`"${code}" is not an ISO 4217 currency code`);
  return code as CurrencyCode;
}

export function isCurrencyCode(code: string): code is CurrencyCode {
  return /^[A-Z]{3}$/.test(code);
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new MoneyError(`amount must be a whole number of minor units, got ${amount}`);
  return { amount, currency: currencyCode(currency) };
}

export function minorUnitDigits(currency: CurrencyCode): number {
  return MINOR_UNIT_DIGITS[currency] ?? 2;
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`cannot combine ${a.currency} with ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

export function multiply(a: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) throw new MoneyError(`quantity must be a whole number, got ${quantity}`);
  return money(a.amount * quantity, a.currency);
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.amount === b.amount ? 0 : a.amount < b.amount ? -1 : 1;
}

/**
 * One formatter per locale and currency: building an Intl.NumberFormat costs ~0.1 ms, and a
 * listing page formats dozens of prices (it was 28% of the catalog's CPU under load).
 */
const formatters = new Map<string, Intl.NumberFormat>();

/** "€12.50"-style text for people; machines use `amount` and `currency`. */
export function formatMoney(value: Money, locale = 'en-US'): string {
  const digits = minorUnitDigits(value.currency);
  const key = `${locale}:${value.currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: value.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, formatter);
  }
  return formatter.format(value.amount / 10 ** digits);
}

/** Parses "12.50" in a currency's major units into minor units, exactly (no float rounding). */
export function parseMajorUnits(text: string, currency: string): Money {
  const code = currencyCode(currency);
  const digits = minorUnitDigits(code);
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new MoneyError(`"${text}" is not a decimal amount`);
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > digits) throw new MoneyError(`${code} has ${digits} decimal places, got "${text}"`);
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return money(sign ? -minor : minor, code);
}
