import { UsersErrorCodes } from './error-codes.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';

export const MAX_EMAIL_LENGTH = 254;

/**
 * One spelling per mailbox: trimmed and lower-cased. Lower-casing the local part is technically
 * lossy, but no real provider distinguishes case, and two accounts differing only by case are a
 * support nightmare.
 */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

// Pragmatic, not RFC 5322: printable ASCII local part without quotes or spaces, a dotted domain of
// letter/digit/hyphen labels and an alphabetic TLD. Good enough to catch typos; the mailbox is the proof.
const LOCAL_PART = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Normalises and validates an address; the error points at `field`. */
export function parseEmail(raw: string, field: string[]): Result<string> {
  const email = normaliseEmail(raw);
  const invalid = fail(userError(UsersErrorCodes.INVALID_EMAIL, 'Enter a valid email address, like name@example.com.', field));
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return invalid;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at !== email.indexOf('@')) return invalid;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return invalid;
  }
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return invalid;
  if (!/^[a-z]{2,63}$/.test(labels.at(-1) ?? '')) return invalid;
  return ok(email);
}
