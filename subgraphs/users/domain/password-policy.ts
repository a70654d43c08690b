import { UsersErrorCodes } from './error-codes.ts';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { describeTextProblem, isUnstorable } from '../../../platform/validation/text.ts';

export const MIN_PASSWORD_LENGTH = 10;
/** argon2 takes anything, but an unbounded input is a cheap way to burn our CPU. */
export const MAX_PASSWORD_LENGTH = 128;

type CharacterClass = 'lower' | 'upper' | 'digit' | 'other';

function characterClass(char: string): CharacterClass {
  if (/\p{Ll}/u.test(char)) return 'lower';
  if (/\p{Lu}/u.test(char)) return 'upper';
  if (/\p{Nd}/u.test(char)) return 'digit';
  return 'other';
}

/**
 * The password rules (NIST-style length first, plus two cheap guards): 10 to 128 characters, not
 * made of a single character class (all digits, all lower-case, …), and not the account's email
 * or its local part; and no NUL or unpaired surrogate (VALIDATION_FAILED). Returns every problem
 * found, or none.
 */
export function checkPasswordPolicy(password: string, email: string | null, field: string[]): UserError[] {
  const weak = (message: string) => userError(UsersErrorCodes.WEAK_PASSWORD, message, field);
  // argon2 hashes UTF-8, where every unpaired surrogate becomes the same replacement character.
  if (isUnstorable(password)) return [userError(ErrorCodes.VALIDATION_FAILED, describeTextProblem('The password', 'unstorable'), field)];
  // Count code points, not UTF-16 units, so an emoji is one character as users see it.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return [weak(`Use at least ${MIN_PASSWORD_LENGTH} characters.`)];
  if (length > MAX_PASSWORD_LENGTH) return [weak(`Use at most ${MAX_PASSWORD_LENGTH} characters.`)];
  const classes = new Set([...password].map(characterClass));
  if (classes.size < 2) return [weak('Mix at least two kinds of characters: lower-case, upper-case, digits or symbols.')];
  if (email) {
    const lowered = password.trim().toLowerCase();
    const normalisedEmail = email.trim().toLowerCase();
    const localPart = normalisedEmail.split('@')[0] ?? '';
    if (lowered === normalisedEmail || (localPart.length > 0 && lowered === localPart)) {
      return [weak('Do not use your email address as your password.')];
    }
  }
  return [];
}
