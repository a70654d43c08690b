import type { ErrorCode } from './codes.ts';

/** An expected failure, returned to the client as data in a mutation payload. */
export interface UserError {
  code: ErrorCode;
  /** Path of the input field at fault, e.g. `["input", "email"]`; null when not tied to one. */
  field: string[] | null;
  message: string;
}

export function userError(code: ErrorCode, message: string, field: string[] | null = null): UserError {
  return { code, field, message };
}

/** The outcome of a domain operation: a value, or the expected failures that prevented it. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(...errors: UserError[]): Result<T> => ({ ok: false, errors });
