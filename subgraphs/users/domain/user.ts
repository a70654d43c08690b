import type { Role } from '../../../platform/auth/viewer.ts';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { textError } from '../../../platform/validation/text.ts';
import type { AccountStatus } from './account.process.ts';

/** An account as the rest of the subgraph sees it: PII already decrypted, no password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: AccountStatus;
  phone: string | null;
  suspendedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const MAX_NAME_LENGTH = 100;

/**
 * A display name: trimmed, inner whitespace collapsed, 1 to 100 characters, one line of visible
 * text without direction overrides (platform/validation/text.ts), since other people read it.
 */
export function parseName(raw: string, field: string[]): Result<string> {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length === 0) return fail(userError(ErrorCodes.VALIDATION_FAILED, 'Enter your name.', field));
  if ([...name].length > MAX_NAME_LENGTH) {
    return fail(userError(ErrorCodes.VALIDATION_FAILED, `Use at most ${MAX_NAME_LENGTH} characters.`, field));
  }
  const error = textError(name, 'line', field, 'The name');
  return error ? fail(error) : ok(name);
}

/**
 * A phone number in E.164 (`+` country code and number, 8 to 15 digits). Spaces, dots, dashes and
 * parentheses people type are dropped; an empty string means "no phone" (null).
 */
export function parsePhone(raw: string | null | undefined, field: string[]): Result<string | null> {
  if (raw === null || raw === undefined) return ok(null);
  const compact = raw.replace(/[\s().-]/g, '');
  if (compact === '') return ok(null);
  if (!/^\+[1-9]\d{7,14}$/.test(compact)) {
    return fail(
      userError(ErrorCodes.VALIDATION_FAILED, 'Enter the phone number with its country code, e.g. +33 6 12 34 56 78.', field),
    );
  }
  return ok(compact);
}
