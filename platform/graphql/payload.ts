import type { Result } from '../errors/result.ts';
import { type UserError } from '../errors/user-error.ts';

export type Payload<K extends string, T> = { [P in K]: T | null } & { userErrors: UserError[] };

/** A mutation payload from a service's Result: the value under `key`, or null and the userErrors. */
export function payload<K extends string, T>(key: K, result: Result<T>): Payload<K, T> {
  return { [key]: result.ok ? result.value : null, userErrors: result.ok ? [] : result.errors } as Payload<K, T>;
}

export type SpreadPayload<T extends object> = { [P in keyof T]: T[P] | null } & { userErrors: UserError[] };

/**
 * A mutation payload whose fields are the value's own fields (e.g. `{ product, variant }`), each
 * null on failure. `fields` lists them, so a failure still answers every field of the payload.
 */
export function spreadPayload<T extends object>(result: Result<T>, fields: readonly (keyof T)[]): SpreadPayload<T> {
  if (result.ok) return { ...result.value, userErrors: [] };
  return { ...Object.fromEntries(fields.map((field) => [field, null])), userErrors: result.errors } as SpreadPayload<T>;
}
