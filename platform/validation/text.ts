import { ErrorCodes } from '../errors/codes.ts';
import { invalidArgument, ok, type Result } from '../errors/result.ts';
import { userError, type UserError } from '../errors/user-error.ts';

/**
 * What text a client may send, whatever the field. PostgreSQL refuses a NUL character and an
 * unpaired UTF-16 surrogate (neither has a UTF-8 form), so those must never reach a query; the
 * other rules keep names readable and honest on every screen that shows them. Pure: domain rules
 * build on these, and the request guard (request-text.plugin.ts) refuses the unstorable kind
 * before anything runs.
 */
export type TextProblem = 'unstorable' | 'control' | 'direction' | 'invisible';

/**
 * `line`: a one-line label (names, titles, address lines, option values).
 * `text`: free text that may hold line breaks and tabs (descriptions, reasons).
 */
export type TextKind = 'line' | 'text';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_LINE_BREAKS = /[^\P{Cc}\t\n\r]/u;
// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what follows
// them, so "Bob\u202Egnp.exe" reads as "Bobexe.png" on screen.
const DIRECTION_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// Whitespace, format and default-ignorable characters, lone combining marks, the Braille blank:
// a name made only of these shows as nothing, or as a space.
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{M}\u2800]+$/u;

/** A NUL character or an unpaired surrogate: nothing PostgreSQL can store or compare. */
export function isUnstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** The first rule `text` breaks for its kind, or null. Empty text breaks none (required fields check that themselves). */
export function textProblem(text: string, kind: TextKind): TextProblem | null {
  if (isUnstorable(text)) return 'unstorable';
  if (kind === 'text') return CONTROL_EXCEPT_LINE_BREAKS.test(text) ? 'control' : null;
  if (CONTROL.test(text)) return 'control';
  if (DIRECTION_CONTROL.test(text)) return 'direction';
  if (INVISIBLE_ONLY.test(text)) return 'invisible';
  return null;
}

const EXPLANATIONS: Record<TextProblem, string> = {
  unstorable: 'contains a NUL character or a broken Unicode sequence',
  control: 'contains control characters',
  direction: 'contains characters that reverse the direction of the text',
  invisible: 'is made only of invisible characters',
};

/** "The name contains control characters." for `what` = "The name". */
export function describeTextProblem(what: string, problem: TextProblem): string {
  return `${what} ${EXPLANATIONS[problem]}.`;
}

/** A mutation input's text: a VALIDATION_FAILED userError at `field` when it breaks a rule of its kind, else null. */
export function textError(text: string, kind: TextKind, field: string[], what = 'This field'): UserError | null {
  const problem = textProblem(text, kind);
  return problem ? userError(ErrorCodes.VALIDATION_FAILED, describeTextProblem(what, problem), field) : null;
}

/**
 * A query argument's text (a search, a slug): BAD_USER_INPUT when it holds characters no stored
 * value can have (unstorable or control characters), so it never reaches a query.
 */
export function textArgument(text: string, argument: string): Result<string> {
  const problem = isUnstorable(text) ? 'unstorable' : CONTROL.test(text) ? 'control' : null;
  return problem ? invalidArgument(describeTextProblem(`\`${argument}\``, problem)) : ok(text);
}
