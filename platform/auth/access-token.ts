import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { SessionCheck } from './session-revocations.ts';
import { Roles, type Role, type Viewer } from './viewer.ts';

/** The only algorithm accepted; `alg: none` and HMAC confusion are refused by construction. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
export const ACCESS_TOKEN_ISSUER = 'shop-users';
export const ACCESS_TOKEN_AUDIENCE = 'shop-api';
/** Where the token issuer (the users subgraph) publishes the public keys, relative to its origin. */
export const JWKS_PATH = '/.well-known/jwks.json';

const claimsSchema = z.object({
  sub: z.string().uuid(),
  role: z.enum(Roles),
  vid: z.string().uuid().nullish(),
  /** The session (refresh-token family) the token was issued from, so ending the session ends the token. */
  sid: z.string().uuid(),
  iat: z.number(),
  exp: z.number(),
});

/**
 * - `expired`: past its expiry or its maximum age;
 * - `invalid`: not ours, not well formed, or outside the token policy;
 * - `revoked`: its session was ended (log-out, refresh-token reuse, suspension);
 * - `unconfirmed`: a privileged token whose session could not be checked (see `verify`).
 */
export type AccessTokenFailure = 'expired' | 'invalid' | 'revoked' | 'unconfirmed';

const FAILURE_MESSAGES: Record<AccessTokenFailure, string> = {
  expired: 'The access token has expired.',
  invalid: 'The access token is not valid.',
  revoked: 'The session of this access token has ended.',
  unconfirmed: 'The session of this access token cannot be checked right now.',
};

export class AccessTokenError extends Error {
  override name = 'AccessTokenError';
  constructor(readonly reason: AccessTokenFailure) {
    super(FAILURE_MESSAGES[reason]);
  }
}

export interface AccessTokenVerifier {
  /** Resolves the token's viewer, or throws AccessTokenError. */
  verify(token: string): Promise<Viewer>;
}

/** Where verifiers get the public keys: the users subgraph's JWKS URL, or a key set in memory. */
export type KeySource = { jwksUrl: string } | { jwks: JSONWebKeySet };

/** How far token times are trusted. */
export interface TokenPolicy {
  /** How far in the future `iat` may be: the issuer's clock may run ahead of this one. */
  clockSkewSeconds: number;
  /** The oldest `iat`, and the longest lifetime (`exp - iat`), a token may have. */
  maxTokenAgeSeconds: number;
}

/** How long the users subgraph's access tokens live unless configured otherwise (ACCESS_TOKEN_TTL_SECONDS). */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;

export const DEFAULT_TOKEN_POLICY: TokenPolicy = {
  clockSkewSeconds: DEFAULT_CLOCK_SKEW_SECONDS,
  maxTokenAgeSeconds: DEFAULT_ACCESS_TOKEN_TTL_SECONDS + DEFAULT_CLOCK_SKEW_SECONDS,
};

/**
 * Roles refused while their session cannot be checked. These tokens act on other people's data
 * (every account, a store's catalogue), so a revoked one must not get through an outage; their
 * holders are few and wait for Redis. Customers touch only their own account, and refusing them
 * would turn a Redis outage into a storefront outage, so their tokens pass.
 */
const CONFIRMATION_REQUIRED: readonly Role[] = ['ADMIN', 'VENDOR'];

export interface VerifierOptions {
  policy?: TokenPolicy;
  /** The revocation list; without one only signatures and claims are checked (tests, tools). */
  sessions?: SessionCheck | null;
}

/**
 * A token's signature is checked once a minute at most per process: a client sends the same token
 * with every request of its session, and an EdDSA verification is the largest single cost of a
 * small request (at the gateway and again at the subgraph). Its times and its session are checked
 * on every request all the same. A key withdrawn from the JWKS stops being honoured within that
 * minute (jose caches a remote set for ten). Bounded: past the size, the oldest entry goes.
 */
const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Verifies access tokens against a JWKS. The remote set is cached by jose and refetched only
 * when a token names an unknown key id (key rotation), at most every 30 s. After the signature,
 * the claims and their times, it asks the revocation list: a token of an ended session is
 * refused; a privileged token whose session cannot be checked (Redis unreachable for a few
 * intervals) is refused too, and a customer's passes.
 */
export function createAccessTokenVerifier(source: KeySource, options: VerifierOptions = {}): AccessTokenVerifier {
  const keys: JWTVerifyGetKey =
    'jwksUrl' in source
      ? createRemoteJWKSet(new URL(source.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
      : createLocalJWKSet(source.jwks);
  const policy = options.policy ?? DEFAULT_TOKEN_POLICY;
  const sessions = options.sessions ?? null;
  const verified = new Map<string, { claims: z.infer<typeof claimsSchema>; at: number }>();

  /** The signature and claims, from the last minute's check of this very token if there was one. */
  async function knownClaims(token: string) {
    const now = Date.now();
    const known = verified.get(token);
    if (known && now - known.at < VERIFIED_TOKEN_TTL_MS) return known.claims;
    const claims = await verifiedClaims(token);
    verified.delete(token);
    if (verified.size >= VERIFIED_TOKEN_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { claims, at: now });
    return claims;
  }

  async function verifiedClaims(token: string) {
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub', 'sid'],
      });
      return claimsSchema.parse(payload);
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AccessTokenError('expired');
      // An unreachable key server is our outage, not the caller's bad token.
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError || error instanceof z.ZodError)) {
        throw error;
      }
      throw new AccessTokenError('invalid');
    }
  }

  return {
    async verify(token) {
      const claims = await knownClaims(token);
      // The skew is granted to `iat` only: the issuer's clock may run ahead, but an expiry is exact
      // (checked here too, for a token whose signature was checked a moment ago).
      const now = Math.floor(Date.now() / 1000);
      if (claims.exp <= now) throw new AccessTokenError('expired');
      if (claims.iat > now + policy.clockSkewSeconds) throw new AccessTokenError('invalid');
      if (now - claims.iat > policy.maxTokenAgeSeconds) throw new AccessTokenError('expired');
      // A token valid for years, however fresh, is not one we issued.
      if (claims.exp - claims.iat > policy.maxTokenAgeSeconds) throw new AccessTokenError('invalid');
      const viewer: Viewer = { userId: claims.sub, role: claims.role, vendorId: claims.vid ?? null };
      if (!sessions) return viewer;
      const status = await sessions.status({ sessionId: claims.sid, userId: viewer.userId, vendorId: viewer.vendorId, issuedAt: claims.iat });
      if (status === 'ended') throw new AccessTokenError('revoked');
      if (status === 'unconfirmed' && CONFIRMATION_REQUIRED.includes(viewer.role)) throw new AccessTokenError('unconfirmed');
      return viewer;
    },
  };
}

/** The token from an `Authorization: Bearer …` header; null when absent. Malformed headers are invalid tokens. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new AccessTokenError('invalid');
  return match[1];
}
