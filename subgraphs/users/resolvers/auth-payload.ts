import { spreadPayload } from '../../../platform/graphql/payload.ts';
import type { Result } from '../../../platform/errors/result.ts';
import { AUTH_SESSION_FIELDS, retryAtOf, type AuthSession } from '../application/auth.service.ts';

/** AuthPayload, shared by sign-up, log-in and refresh: the session's fields, userErrors and retryAfter. */
export function authPayload(result: Result<AuthSession>) {
  return { ...spreadPayload(result, AUTH_SESSION_FIELDS), retryAfter: retryAtOf(result) };
}
