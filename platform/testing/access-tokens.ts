import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, createAccessTokenVerifier, type AccessTokenVerifier } from '../auth/access-token.ts';
import type { Role } from '../auth/viewer.ts';

/**
 * Access tokens for tests only (specs, `testing/` helpers and test/): a key pair the test owns,
 * and the forged tokens an attacker would try. Production code never imports platform/testing/
 * (a dependency rule says so).
 */
export interface TestTokenClaims {
  sub?: string;
  role: Role;
  vid?: string | null;
  /** The session id; a fresh one by default, null leaves it out. */
  sid?: string | null;
}

export interface TestSignOptions {
  /** jose time span (`'5m'`) or an absolute expiry in epoch seconds; null leaves `exp` out. */
  expiresIn?: string | number | null;
  /** `iat` in epoch seconds; null leaves it out. Defaults to now. */
  issuedAt?: number | null;
  /** Sign with a key nobody published (same kid). */
  foreign?: boolean;
}

export interface TestTokenIssuer {
  kid: string;
  /** The public key set a verifier trusts (what the users subgraph publishes as its JWKS). */
  jwks: JSONWebKeySet;
  verifier: AccessTokenVerifier;
  sign(claims: TestTokenClaims, options?: TestSignOptions): Promise<string>;
  /** The "alg confusion" attack: HS256, keyed with the published public key (PEM), naming our kid. */
  signHs256WithPublicKey(claims: TestTokenClaims): Promise<string>;
}

/** A fresh Ed25519 key pair, or the given private JWK (e.g. the users subgraph's dev key). */
export async function createTestTokenIssuer(privateJwk?: JWK): Promise<TestTokenIssuer> {
  const jwk: JWK = privateJwk ?? generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const kid = jwk.kid ?? randomUUID();
  const key = (await importJWK({ ...jwk, alg: ACCESS_TOKEN_ALGORITHM }, ACCESS_TOKEN_ALGORITHM)) as CryptoKey;
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
  const foreign = generateKeyPairSync('ed25519').privateKey;
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  const publicPem = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();

  const unsigned = (claims: TestTokenClaims, options: TestSignOptions) => {
    const sid = claims.sid === undefined ? randomUUID() : claims.sid;
    const jwt = new SignJWT({ role: claims.role, vid: claims.vid ?? null, ...(sid === null ? {} : { sid }) })
      .setSubject(claims.sub ?? randomUUID())
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE);
    const issuedAt = options.issuedAt === undefined ? Math.floor(Date.now() / 1000) : options.issuedAt;
    if (issuedAt !== null) jwt.setIssuedAt(issuedAt);
    const expiresIn = options.expiresIn === undefined ? '5m' : options.expiresIn;
    if (expiresIn !== null) jwt.setExpirationTime(expiresIn);
    return jwt;
  };

  return {
    kid,
    jwks,
    verifier: createAccessTokenVerifier({ jwks }),
    sign: (claims, options = {}) =>
      unsigned(claims, options)
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: 'JWT' })
        .sign(options.foreign ? foreign : key),
    signHs256WithPublicKey: (claims) =>
      unsigned(claims, {})
        .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
        .sign(new TextEncoder().encode(publicPem)),
  };
}

/** An `alg: none` token with valid-looking claims: it must be refused everywhere. */
export function unsignedToken(claims: TestTokenClaims): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = { ...claims, sub: claims.sub ?? randomUUID(), sid: claims.sid ?? randomUUID(), iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat: now, exp: now + 300 };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

