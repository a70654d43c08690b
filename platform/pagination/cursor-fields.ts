import { z } from 'zod';
import { isUuid } from '../ids/uuid.ts';
import { isUnstorable } from '../validation/text.ts';

const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;
const FLOAT_TEXT = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

/**
 * The values a cursor may carry. A cursor is decoded from bytes the client sends back, and each
 * value in it is compared with a column in SQL, so a forged one must be refused here (as
 * BAD_USER_INPUT, by `pageRequest`) whenever the column's type would refuse it there.
 */
export const cursorField = {
  /** A row id. */
  id: () => z.string().refine(isUuid),
  /** A `timestamptz`, exactly as `Date#toISOString()` writes it. */
  timestamp: () => z.string().refine(isCursorTimestamp),
  /** An `integer` (int4) column's value. */
  int4: () => z.number().int().min(INT4_MIN).max(INT4_MAX),
  /** A `float8` as PostgreSQL prints it (kept as text so no digit is lost on the way back). */
  float8Text: () => z.string().max(40).refine(isFloat8Text),
  /** A text column's value (e.g. a name), at most `maxLength` UTF-16 units. */
  text: (maxLength: number) => z.string().max(maxLength).refine((value) => !isUnstorable(value)),
};

/**
 * The round trip through `Date` refuses impossible dates (February 30) and other spellings; the
 * year must be 1 or later, since PostgreSQL has no year 0 and JavaScript writes years before 1 as
 * "0000" or "-000001". Every later date JavaScript can hold is within PostgreSQL's range.
 */
export function isCursorTimestamp(text: string): boolean {
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.toISOString() === text && date.getUTCFullYear() >= 1;
}

/** Finite, and not a non-zero number so small that it rounds to zero (PostgreSQL refuses that underflow). */
export function isFloat8Text(text: string): boolean {
  if (!FLOAT_TEXT.test(text)) return false;
  const value = Number(text);
  if (!Number.isFinite(value)) return false;
  const mantissa = text.split(/e/i)[0] ?? '';
  return value !== 0 || !/[1-9]/.test(mantissa);
}
