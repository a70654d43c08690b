import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { textError } from '../../../platform/validation/text.ts';

/**
 * Why an administrator suspended an account or rejected or suspended a store: trimmed free text
 * (line breaks allowed). A required reason must fit `max` characters; an optional one is cut to
 * `max` whole characters, never inside a character made of two UTF-16 units.
 */
export function parseStatusReason(
  raw: string | null | undefined,
  field: string[],
  rule: { max: number; required: boolean },
): Result<string | null> {
  const reason = (raw ?? '').trim();
  const characters = [...reason];
  if (rule.required && (characters.length === 0 || characters.length > rule.max)) {
    return fail(userError(ErrorCodes.VALIDATION_FAILED, `Give a reason (1 to ${rule.max} characters).`, field));
  }
  if (characters.length === 0) return ok(null);
  const error = textError(reason, 'text', field, 'The reason');
  return error ? fail(error) : ok(characters.slice(0, rule.max).join(''));
}
