import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { Roles, type Viewer } from './viewer.ts';

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
});

export type AccessTokenFailure = 'expired' | 'invalid';

export class AccessTokenError extends Error {
  override name = 'AccessTokenError';
  constructor(readonly reason: AccessTokenFailure) {
    super(reason === 'expired' ? 'The access token has expired.' : 'The access token is not valid.');
  }
}

export interface AccessTokenVerifier {
  /** Resolves the token's viewer, or throws AccessTokenError. */
  verify(token: string): Promise<Viewer>;
}

/** Where verifiers get the public keys: the users subgraph's JWKS URL, or a key set in memory. */
export type KeySource = { jwksUrl: string } | { jwks: JSONWebKeySet };

/**
 * Verifies access tokens against a JWKS. The remote set is cached by jose and refetched only
 * when a token names an unknown key id (key rotation), at most every 30 s.
 */
export function createAccessTokenVerifier(source: KeySource): AccessTokenVerifier {
  const keys: JWTVerifyGetKey =
    'jwksUrl' in source
      ? createRemoteJWKSet(new URL(source.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
      : createLocalJWKSet(source.jwks);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          requiredClaims: ['exp', 'sub'],
        });
        const claims = claimsSchema.parse(payload);
        return { userId: claims.sub, role: claims.role, vendorId: claims.vid ?? null };
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new AccessTokenError('expired');
        // An unreachable key server is our outage, not the caller's bad token.
        if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError || error instanceof z.ZodError)) {
          throw error;
        }
        throw new AccessTokenError('invalid');
      }
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
