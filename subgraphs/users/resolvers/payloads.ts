import { type UserError } from '../../../platform/errors/user-error.ts';
import { type Result } from '../../../platform/errors/result.ts';
import type { AuthSession } from '../application/auth.service.ts';

/** Every mutation payload: the value under `key` on success, or null and the userErrors. */
export function payload<K extends string, T>(key: K, result: Result<T>): Record<K, T | null> & { userErrors: UserError[] } {
  return (result.ok ? { [key]: result.value, userErrors: [] } : { [key]: null, userErrors: result.errors }) as Record<K, T | null> & {
    userErrors: UserError[];
  };
}

export function authPayload(result: Result<AuthSession>) {
  if (!result.ok) {
    return { accessToken: null, expiresAt: null, refreshToken: null, refreshTokenExpiresAt: null, user: null, userErrors: result.errors };
  }
  const session = result.value;
  return {
    accessToken: session.accessToken,
    expiresAt: session.accessTokenExpiresAt,
    refreshToken: session.refreshToken,
    refreshTokenExpiresAt: session.refreshTokenExpiresAt,
    user: session.user,
    userErrors: [],
  };
}
