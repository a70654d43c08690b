import { ErrorCodes } from './codes.ts';
import { userError, type UserError } from './user-error.ts';

/**
 * The one shape of an outcome that can fail in expected ways: a value, or the reasons there is
 * none. Domain rules and services fail with `UserError`s (they become a payload's `userErrors`,
 * or a thrown GraphQL error at the resolver for access and query-argument failures); repositories
 * fail with a small literal (`'EMAIL_TAKEN'`) that the service turns into a `UserError`.
 */
export type Result<T, E = UserError> = { ok: true; value: T } | { ok: false; errors: E[] };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const fail = <E>(...errors: E[]): { ok: false; errors: E[] } => ({ ok: false, errors });

/** A query argument the client must fix (thrown as BAD_USER_INPUT by `valueOrThrow`). */
export const invalidArgument = <T = never>(message: string): Result<T> => fail(userError(ErrorCodes.BAD_USER_INPUT, message));
