import { type UserError } from '../../../platform/errors/user-error.ts';
import { type Result } from '../../../platform/errors/result.ts';

/** A mutation's Result as its payload: the value under `key` on success, userErrors otherwise. */
export function payload<T, K extends string>(result: Result<T>, key: K): { [P in K]: T | null } & { userErrors: UserError[] } {
  const value = result.ok ? result.value : null;
  return { [key]: value, userErrors: result.ok ? [] : result.errors } as { [P in K]: T | null } & { userErrors: UserError[] };
}
