import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTestTokenIssuer, unsignedToken } from '../testing/access-tokens.ts';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AccessTokenError, bearerToken, createAccessTokenVerifier } from './access-token.ts';

const { privateKey } = generateKeyPairSync('ed25519');
const userId = randomUUID();

/** A token from our own key whose issuer or role claim is off, which the test issuer cannot make. */
async function offClaimsToken(options: { issuer?: string; role?: string }) {
  return new SignJWT({ role: options.role ?? 'CUSTOMER', vid: null })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject(userId)
    .setIssuer(options.issuer ?? ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
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
  const issuer = await createTestTokenIssuer({ ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'k1' });
  const verifier = createAccessTokenVerifier({ jwks: issuer.jwks });

  it('accepts a token signed by a published key and returns the viewer', async () => {
    await expect(verifier.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }))).resolves.toEqual({ userId, role: 'ADMIN', vendorId: null });
  });

  it('tells an expired token from an invalid one', async () => {
    expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'CUSTOMER' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 })))).toBe(
      'expired',
    );
    expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'CUSTOMER' }, { foreign: true })))).toBe('invalid');
    expect(await reason(verifier.verify(await offClaimsToken({ issuer: 'someone-else' })))).toBe('invalid');
    expect(await reason(verifier.verify(await offClaimsToken({ role: 'ROOT' })))).toBe('invalid');
  });

  it('refuses alg none whatever it claims', async () => {
    expect(await reason(verifier.verify(unsignedToken({ sub: userId, role: 'ADMIN' })))).toBe('invalid');
  });

  it('refuses HS256 keyed with the published public key (algorithm confusion)', async () => {
    expect(await reason(verifier.verify(await issuer.signHs256WithPublicKey({ sub: userId, role: 'ADMIN' })))).toBe('invalid');
  });

  it('refuses a token without an expiry, however well signed', async () => {
    expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { expiresIn: null })))).toBe('invalid');
  });

  it('reads bearer headers strictly', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => bearerToken('Basic dXNlcjpwYXNz')).toThrow(AccessTokenError);
  });
});
