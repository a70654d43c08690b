import { importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../../../platform/auth/access-token.ts';
import type { AccessClaims } from '../domain/access.ts';
import type { SigningJwk } from './dev-secrets.ts';

export interface SignedAccessToken {
  token: string;
  expiresAt: Date;
}

export interface AccessTokenSigner {
  sign(claims: AccessClaims, now?: Date): Promise<SignedAccessToken>;
  /** What `/.well-known/jwks.json` publishes: public halves only. */
  publicJwks(): JSONWebKeySet;
}

/** The public half of a key: never `d`, whatever else the stored JWK carries. */
function publicJwk(jwk: { kty: string; crv?: string; x?: string; kid?: string }): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: jwk.kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}

/**
 * Signs EdDSA access tokens (iss shop-users, aud shop-api, kid in the header, the session as `sid`). Extra public keys
 * are published alongside so tokens signed by the previous key stay valid during a rotation.
 */
export async function createAccessTokenSigner(options: {
  signingKey: SigningJwk;
  extraPublicJwks: { kty: string; crv: string; x: string; kid: string }[];
  ttlSeconds: number;
}): Promise<AccessTokenSigner> {
  const key = await importJWK(options.signingKey, ACCESS_TOKEN_ALGORITHM);
  const jwks: JSONWebKeySet = {
    keys: [publicJwk(options.signingKey), ...options.extraPublicJwks.filter((k) => k.kid !== options.signingKey.kid).map(publicJwk)],
  };
  return {
    async sign(claims, now = new Date()) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const expiresAtSeconds = issuedAt + options.ttlSeconds;
      const token = await new SignJWT({ role: claims.role, vid: claims.vid, sid: claims.sid })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: options.signingKey.kid, typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAtSeconds)
        .sign(key);
      return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
    },
    publicJwks: () => jwks,
  };
}
