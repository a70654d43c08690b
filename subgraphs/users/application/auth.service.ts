import type { SessionRevoker } from '../../../platform/auth/session-revocations.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { accessClaimsFor } from '../domain/access.ts';
import { canSignIn } from '../domain/account.process.ts';
import { parseEmail } from '../domain/email.ts';
import { UsersErrorCodes } from '../domain/error-codes.ts';
import { checkPasswordPolicy, MAX_PASSWORD_LENGTH } from '../domain/password-policy.ts';
import { decideRefresh } from '../domain/refresh-token.ts';
import { parseName, type User } from '../domain/user.ts';
import type { AccessTokenSigner } from '../infra/access-token-signer.ts';
import type { LoginRateLimiter } from '../infra/login-rate-limiter.ts';
import type { PasswordHasher } from '../infra/password-hasher.ts';
import { hashRefreshToken, newRefreshTokenSecret } from '../infra/refresh-token-secret.ts';
import type { SessionRepository } from '../infra/session.repository.ts';
import type { SignUpRateLimiter } from '../infra/sign-up-rate-limiter.ts';
import type { UserRepository } from '../infra/user.repository.ts';
import type { UsersScope } from './scope.ts';

/** What a successful sign-up, log-in or refresh hands the client (the fields of AuthPayload). */
export interface AuthSession {
  user: User;
  accessToken: string;
  /** When the access token expires. */
  expiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export const AUTH_SESSION_FIELDS = ['user', 'accessToken', 'expiresAt', 'refreshToken', 'refreshTokenExpiresAt'] as const satisfies readonly (keyof AuthSession)[];

export interface SignUpCommand {
  email: string;
  password: string;
  name: string;
}

export interface LogInCommand {
  email: string;
  password: string;
}

export interface RefreshTokenCommand {
  refreshToken: string;
}

/** TOO_MANY_ATTEMPTS, with when the client may try again (AuthPayload.retryAfter). */
export interface RetryLaterError extends UserError {
  retryAt: Date;
}

/** When a refused sign-up or log-in may be tried again; null when it was not refused by a limit. */
export function retryAtOf(result: Result<unknown>): Date | null {
  if (result.ok) return null;
  const limited = result.errors.find((error): error is RetryLaterError => 'retryAt' in error && error.retryAt instanceof Date);
  return limited?.retryAt ?? null;
}

/**
 * Sessions. Each successful sign-in (sign-up, log-in, refresh) is added to the scope's
 * `signedInNow`, so the payload may show the account's own private fields.
 */
export interface AuthService {
  /**
   * Limited per client address (the scope's `clientIp`). Cheap checks come first: the input,
   * then whether the email is taken, then the limit; only then is the password hashed.
   */
  signUp(scope: UsersScope, input: SignUpCommand): Promise<Result<AuthSession>>;
  /**
   * Failures are limited per account and client address (a progressive delay), per address and
   * per account (see LoginRateLimiter); the limits are checked before the database and argon2.
   */
  logIn(scope: UsersScope, input: LogInCommand): Promise<Result<AuthSession>>;
  /**
   * Rotates the refresh token; reuse of a rotated one revokes its family (REFRESH_TOKEN_REUSED)
   * and ends its access tokens.
   */
  refresh(scope: UsersScope, input: RefreshTokenCommand): Promise<Result<AuthSession>>;
  /** Ends the session the token belongs to (its whole family), access tokens included. */
  logOut(scope: UsersScope, input: RefreshTokenCommand): Promise<Result<true>>;
}

export interface AuthServiceDeps {
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  signer: AccessTokenSigner;
  loginLimiter: LoginRateLimiter;
  /** Where ended sessions are recorded, so every verifier refuses their access tokens. */
  revocations: SessionRevoker;
  signUpLimiter: SignUpRateLimiter;
  refreshTokenTtlSeconds: number;
  now: () => Date;
}

// One message for unknown email and wrong password, so the answer reveals nothing about accounts.
const invalidCredentials = () => userError(UsersErrorCodes.INVALID_CREDENTIALS, 'The email or password is incorrect.');
const invalidRefreshToken = () =>
  userError(UsersErrorCodes.REFRESH_TOKEN_INVALID, 'This session has ended or the token is not valid; sign in again.', ['input', 'refreshToken']);
// A refresh token is 43 base64url characters; anything far larger is not worth hashing.
const MAX_REFRESH_TOKEN_LENGTH = 256;

/** "in 8 seconds", "in 3 minutes": how long until `retryAt`, rounded up. */
function waitText(retryAt: Date, at: Date): string {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - at.getTime()) / 1000));
  if (seconds < 120) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  return `in ${Math.ceil(seconds / 60)} minutes`;
}

const tooManyAttempts = (what: string, retryAt: Date, at: Date): RetryLaterError => ({
  ...userError(UsersErrorCodes.TOO_MANY_ATTEMPTS, `Too many ${what}; try again ${waitText(retryAt, at)}.`),
  retryAt,
});

const logger = (scope: UsersScope): Logger => scope.logger.child({ component: 'AuthService' });

export function createAuthService(deps: AuthServiceDeps): AuthService {
  const { now } = deps;

  /** A new family (fresh log-in) or the successor in an existing one has been stored: sign the pair. */
  async function issue(
    scope: UsersScope,
    account: { user: User; approvedVendorId: string | null },
    refresh: { token: string; expiresAt: Date; familyId: string },
    at: Date,
  ): Promise<Result<AuthSession>> {
    const access = await deps.signer.sign(accessClaimsFor(account.user, account.approvedVendorId, refresh.familyId), at);
    scope.signedInNow.add(account.user.id);
    return ok({
      user: account.user,
      accessToken: access.token,
      expiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
    });
  }

  /** No refresh token of the family works any more, and every verifier refuses its access tokens. */
  async function endFamily(familyId: string, reason: string, at: Date): Promise<void> {
    await deps.sessions.revokeFamily(familyId, reason, at);
    await deps.revocations.endSession(familyId);
  }

  async function startSession(scope: UsersScope, user: User): Promise<Result<AuthSession>> {
    const at = now();
    const refreshToken = newRefreshTokenSecret();
    const expiresAt = new Date(at.getTime() + deps.refreshTokenTtlSeconds * 1000);
    const { familyId } = await deps.sessions.start(user.id, hashRefreshToken(refreshToken), expiresAt);
    const forToken = await deps.users.findForToken(user.id);
    return issue(scope, { user, approvedVendorId: forToken?.approvedVendorId ?? null }, { token: refreshToken, expiresAt, familyId }, at);
  }

  return {
    async signUp(scope, input) {
      const errors: UserError[] = [];
      const email = parseEmail(input.email, ['input', 'email']);
      const name = parseName(input.name, ['input', 'name']);
      if (!email.ok) errors.push(...email.errors);
      if (!name.ok) errors.push(...name.errors);
      errors.push(...checkPasswordPolicy(input.password, email.ok ? email.value : input.email, ['input', 'password']));
      if (errors.length > 0 || !email.ok || !name.ok) return fail(...errors);

      // Counted whether or not the email is taken, so sign-up cannot probe for accounts unlimited.
      const taken = await deps.users.emailTaken(email.value);
      const limited = await deps.signUpLimiter.admit(scope.clientIp);
      if (limited) {
        logger(scope).info({ clientIp: scope.clientIp }, 'sign-up refused by rate limit');
        return fail(tooManyAttempts('sign-ups from your network', limited.retryAt, now()));
      }
      const emailTaken = () =>
        fail(userError(UsersErrorCodes.EMAIL_TAKEN, 'An account with this email already exists; log in instead.', ['input', 'email']));
      if (taken) return emailTaken();

      const created = await deps.users.create({
        email: email.value,
        name: name.value,
        passwordHash: await deps.hasher.hash(input.password),
      });
      if (!created.ok) return emailTaken();
      logger(scope).info({ userId: created.value.id }, 'account created');
      return startSession(scope, created.value);
    },

    async logIn(scope, input) {
      const email = parseEmail(input.email, ['input', 'email']);
      if (!email.ok) return fail(...email.errors);
      // The attempt counts as a failure from here until the password proves right.
      const admission = await deps.loginLimiter.admit(email.value, scope.clientIp);
      if (!admission.allowed) {
        logger(scope).info({ clientIp: scope.clientIp, limit: admission.limit }, 'log-in refused by rate limit');
        return fail(tooManyAttempts('failed log-ins', admission.retryAt, now()));
      }
      // No policy ever allowed a password this long, so it cannot be right: no hash to spend.
      if (input.password.length > MAX_PASSWORD_LENGTH * 4) return fail(invalidCredentials());
      const found = await deps.users.findCredentialsByEmail(email.value);
      const matches = found ? await deps.hasher.verify(found.passwordHash, input.password) : await deps.hasher.verifyNobody(input.password);
      if (!found || !matches) return fail(invalidCredentials());
      // Checked only after the password, so a guesser cannot learn which accounts are suspended.
      if (!canSignIn(found.user.status)) {
        return fail(userError(UsersErrorCodes.ACCOUNT_SUSPENDED, 'This account is suspended; contact support.'));
      }
      await deps.loginLimiter.succeeded(email.value, scope.clientIp);
      logger(scope).info({ userId: found.user.id }, 'logged in');
      return startSession(scope, found.user);
    },

    async refresh(scope, { refreshToken }) {
      if (refreshToken.length === 0 || refreshToken.length > MAX_REFRESH_TOKEN_LENGTH) return fail(invalidRefreshToken());
      const at = now();
      const stored = await deps.sessions.findByHash(hashRefreshToken(refreshToken));
      const decision = decideRefresh(stored, at);
      if (decision === 'invalid' || !stored) return fail(invalidRefreshToken());

      const reused = async () => {
        await endFamily(stored.familyId, 'refresh token reused', at);
        logger(scope).warn({ userId: stored.userId, familyId: stored.familyId }, 'rotated refresh token presented again; session revoked');
        return fail(
          userError(
            UsersErrorCodes.REFRESH_TOKEN_REUSED,
            'This refresh token was already used, so the session has been ended for safety; sign in again.',
            ['input', 'refreshToken'],
          ),
        );
      };
      if (decision === 'reuse') return reused();
      if (decision === 'suspended') {
        await endFamily(stored.familyId, 'account suspended', at);
        return fail(userError(UsersErrorCodes.ACCOUNT_SUSPENDED, 'This account is suspended; contact support.'));
      }

      const successor = newRefreshTokenSecret();
      const expiresAt = new Date(at.getTime() + deps.refreshTokenTtlSeconds * 1000);
      // Losing the race to a concurrent refresh with the same token means it was used twice.
      if (!(await deps.sessions.rotate(stored, hashRefreshToken(successor), expiresAt, at))) return reused();
      const forToken = await deps.users.findForToken(stored.userId);
      if (!forToken) return fail(invalidRefreshToken());
      return issue(scope, forToken, { token: successor, expiresAt, familyId: stored.familyId }, at);
    },

    async logOut(scope, { refreshToken }) {
      if (refreshToken.length === 0 || refreshToken.length > MAX_REFRESH_TOKEN_LENGTH) return fail(invalidRefreshToken());
      const stored = await deps.sessions.findByHash(hashRefreshToken(refreshToken));
      if (!stored) return fail(invalidRefreshToken());
      // Any token of the family, even an old one, ends the session: logging out is always safe.
      await endFamily(stored.familyId, 'logged out', now());
      logger(scope).info({ userId: stored.userId, familyId: stored.familyId }, 'logged out');
      return ok(true);
    },
  };
}
