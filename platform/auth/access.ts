import { ErrorCodes } from '../errors/codes.ts';
import { fail, ok, type Result } from '../errors/result.ts';
import { userError } from '../errors/user-error.ts';
import type { Role, Viewer } from './viewer.ts';

/**
 * Access rules as values (pure; domain modules build on them). A refusal carries UNAUTHENTICATED
 * or FORBIDDEN; at the resolver boundary `valueOrThrow` turns it into a thrown GraphQL error,
 * because a client cannot fix it by changing its input.
 */
export const notSignedIn = <T = never>(message = 'You must be signed in to do this.'): Result<T> =>
  fail(userError(ErrorCodes.UNAUTHENTICATED, message));

export const notAllowed = <T = never>(message = 'You are not allowed to do this.'): Result<T> => fail(userError(ErrorCodes.FORBIDDEN, message));

/** The caller, if signed in. */
export function signedIn(viewer: Viewer | null, message?: string): Result<Viewer> {
  return viewer ? ok(viewer) : notSignedIn(message);
}

/** The caller, if signed in with one of these roles. */
export function withRole(viewer: Viewer | null, roles: readonly Role[], message?: string): Result<Viewer> {
  if (!viewer) return notSignedIn();
  return roles.includes(viewer.role) ? ok(viewer) : notAllowed(message);
}
