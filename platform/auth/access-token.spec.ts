import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { exportJWK, SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AccessTokenError, bearerToken, createAccessTokenVerifier } from './access-token.ts';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const userId = randomUUID();

async function token(options: { key?: typeof privateKey; exp?: number | string; issuer?: string; role?: string } = {}) {
  return new SignJWT({ role: options.role ?? 'CUSTOMER', vid: null })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject(userId)
    .setIssuer(options.issuer ?? ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
    .sign(options.key ?? privateKey);
}

async function reason(verifying: Promise<unknown>): Promise<string> {
  try {
    await verifying;
    return 'accepted';
  } catch (error) {
    return error instanceof AccessTokenError ? error.reason : String(error);
  }
}

describe('access token verification', async () => {
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' };
  const verifier = createAccessTokenVerifier({ jwks: { keys: [jwk] } });

  it('accepts a token signed by a published key and returns the viewer', async () => {
    await expect(verifier.verify(await token({ role: 'ADMIN' }))).resolves.toEqual({ userId, role: 'ADMIN', vendorId: null });
  });

  it('tells an expired token from an invalid one', async () => {
    expect(await reason(verifier.verify(await token({ exp: Math.floor(Date.now() / 1000) - 60 })))).toBe('expired');
    expect(await reason(verifier.verify(await token({ key: other.privateKey })))).toBe('invalid');
    expect(await reason(verifier.verify(await token({ issuer: 'someone-else' })))).toBe('invalid');
    expect(await reason(verifier.verify(await token({ role: 'ROOT' })))).toBe('invalid');
  });

  it('refuses alg none whatever it claims', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none' })}.${encode({ sub: userId, role: 'ADMIN', iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, exp: now + 60 })}.`;
    expect(await reason(verifier.verify(unsigned))).toBe('invalid');
  });

  it('reads bearer headers strictly', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => bearerToken('Basic dXNlcjpwYXNz')).toThrow(AccessTokenError);
  });
});
