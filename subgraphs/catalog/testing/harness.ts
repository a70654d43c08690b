import { generateKeyPair, exportJWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, createAccessTokenVerifier, type AccessTokenVerifier } from '../../../platform/auth/access-token.ts';
import type { Role } from '../../../platform/auth/viewer.ts';

/**
 * Signing keys for the catalog's own specs, so they can boot the subgraph without the users
 * service. The e2e tests use the real users JWKS through test/support/platform.ts instead.
 */
export interface TestKeys {
  verifier: AccessTokenVerifier;
  sign(claims: { sub?: string; role: Role; vid?: string | null }): Promise<string>;
}

export async function createTestKeys(): Promise<TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { crv: 'Ed25519' });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
  return {
    verifier: createAccessTokenVerifier({ jwks: { keys: [jwk] } }),
    sign: (claims) =>
      new SignJWT({ role: claims.role, vid: claims.vid ?? null })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid })
        .setSubject(claims.sub ?? randomUUID())
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey),
  };
}
