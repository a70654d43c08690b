import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, type JWK } from 'jose';
import type * as Jose from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestTokenIssuer, unsignedToken } from '../testing/access-tokens.ts';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  AccessTokenError,
  bearerToken,
  createAccessTokenVerifier,
  DEFAULT_TOKEN_POLICY,
} from './access-token.ts';

// jose itself, counted: a token's signature is checked once a minute at most.
vi.mock('jose', async (importOriginal) => {
  const actual = await importOriginal<typeof Jose>();
  return { ...actual, jwtVerify: vi.fn(actual.jwtVerify) };
});

const { privateKey } = generateKeyPairSync('ed25519');
const userId = randomUUID();

/** A token from our own key whose issuer or role claim is off, which the test issuer cannot make. */
async function offClaimsToken(options: { issuer?: string; role?: string }) {
  return new SignJWT({ role: options.role ?? 'CUSTOMER', vid: null, sid: randomUUID() })
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

  it('refuses a token without a session id: it could not be ended before it expires', async () => {
    expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'CUSTOMER', sid: null })))).toBe('invalid');
  });

  describe('token times', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const { clockSkewSeconds, maxTokenAgeSeconds } = DEFAULT_TOKEN_POLICY;

    it('refuses an issue time beyond the clock skew in the future, accepts one within it', async () => {
      const future = now() + clockSkewSeconds + 60;
      expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { issuedAt: future, expiresIn: future + 300 })))).toBe('invalid');
      const slightlyAhead = now() + clockSkewSeconds - 5;
      expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { issuedAt: slightlyAhead, expiresIn: slightlyAhead + 300 })))).toBe('accepted');
    });

    it('refuses a token without an issue time', async () => {
      expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { issuedAt: null })))).toBe('invalid');
    });

    it('refuses a lifetime longer than the maximum age (ten years), however fresh', async () => {
      const tenYears = 10 * 365 * 24 * 3600;
      expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { issuedAt: now(), expiresIn: now() + tenYears })))).toBe('invalid');
      expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { issuedAt: now(), expiresIn: now() + maxTokenAgeSeconds + 1 })))).toBe('invalid');
      expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { issuedAt: now(), expiresIn: now() + maxTokenAgeSeconds })))).toBe('accepted');
    });

    it('counts a token older than the maximum age as expired, whatever its expiry says', async () => {
      const old = now() - maxTokenAgeSeconds - 10;
      expect(await reason(verifier.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { issuedAt: old, expiresIn: now() + 60 })))).toBe('expired');
    });

    it('applies a configured policy', async () => {
      const strict = createAccessTokenVerifier({ jwks: issuer.jwks }, { policy: { clockSkewSeconds: 0, maxTokenAgeSeconds: 60 } });
      expect(await reason(strict.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { expiresIn: '5m' })))).toBe('invalid');
      expect(await reason(strict.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { expiresIn: '1m' })))).toBe('accepted');
      expect(await reason(strict.verify(await issuer.sign({ sub: userId, role: 'ADMIN' }, { issuedAt: now() + 5, expiresIn: now() + 60 })))).toBe('invalid');
    });
  });

  describe('the same token again', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('has its signature checked once a minute, its expiry every time', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const fresh = createAccessTokenVerifier({ jwks: issuer.jwks });
      const token = await issuer.sign({ sub: userId, role: 'CUSTOMER' }, { expiresIn: Math.floor(Date.now() / 1000) + 45 });
      const checks = () => vi.mocked(jwtVerify).mock.calls.filter(([checked]) => checked === token).length;
      expect([await reason(fresh.verify(token)), await reason(fresh.verify(token)), checks()]).toEqual(['accepted', 'accepted', 1]);
      // Past its expiry, within the minute: refused without a second look at the signature.
      vi.setSystemTime(Date.now() + 46_000);
      expect([await reason(fresh.verify(token)), checks()]).toEqual(['expired', 1]);
      // After the minute the signature is checked again (and the token is still expired).
      vi.setSystemTime(Date.now() + 15_000);
      expect([await reason(fresh.verify(token)), checks()]).toEqual(['expired', 2]);
    });

    it('is never remembered when refused', async () => {
      const fresh = createAccessTokenVerifier({ jwks: issuer.jwks });
      const token = await issuer.sign({ sub: userId, role: 'ADMIN' }, { foreign: true });
      expect([await reason(fresh.verify(token)), await reason(fresh.verify(token))]).toEqual(['invalid', 'invalid']);
      expect(vi.mocked(jwtVerify).mock.calls.filter(([checked]) => checked === token)).toHaveLength(2);
    });
  });

  it('reads bearer headers strictly', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => bearerToken('Basic dXNlcjpwYXNz')).toThrow(AccessTokenError);
  });
});
