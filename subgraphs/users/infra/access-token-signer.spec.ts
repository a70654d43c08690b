import { decodeProtectedHeader, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokenError, createAccessTokenVerifier } from '../../../platform/auth/access-token.ts';
import { createAccessTokenSigner } from './access-token-signer.ts';
import { newSigningKey, type SigningJwk } from './dev-secrets.ts';

/** A fresh key under a kid the test names. */
const signingKey = async (kid: string): Promise<SigningJwk> => ({ ...(await newSigningKey()), kid });

const claims = { sub: '3f1c2a9e-1111-4222-8333-444455556666', role: 'VENDOR' as const, vid: '3f1c2a9e-aaaa-4bbb-8ccc-ddddeeeeffff', sid: '3f1c2a9e-5555-4666-8777-888899990000' };

describe('access token signer', () => {
  it('signs EdDSA tokens with kid, issuer, audience, session and the TTL, which the platform verifier accepts', async () => {
    const signer = await createAccessTokenSigner({ signingKey: await signingKey('current'), extraPublicJwks: [], ttlSeconds: 900 });
    const now = new Date();
    const { token, expiresAt } = await signer.sign(claims, now);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: 'current' });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({ iss: 'shop-users', aud: 'shop-api', sub: claims.sub, role: 'VENDOR', vid: claims.vid, sid: claims.sid });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
    expect(expiresAt.getTime()).toBe((payload.exp ?? 0) * 1000);
    const verifier = createAccessTokenVerifier({ jwks: signer.publicJwks() });
    expect(await verifier.verify(token)).toEqual({ userId: claims.sub, role: 'VENDOR', vendorId: claims.vid });
  });

  it('publishes public halves only, plus the previous key during a rotation', async () => {
    const previous = await signingKey('previous');
    const oldSigner = await createAccessTokenSigner({ signingKey: previous, extraPublicJwks: [], ttlSeconds: 900 });
    const signer = await createAccessTokenSigner({
      signingKey: await signingKey('current'),
      extraPublicJwks: [{ kty: 'OKP', crv: 'Ed25519', x: previous.x, kid: 'previous' }],
      ttlSeconds: 900,
    });
    const jwks = signer.publicJwks();
    expect(jwks.keys.map((key) => key.kid)).toEqual(['current', 'previous']);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
    const verifier = createAccessTokenVerifier({ jwks });
    expect((await verifier.verify((await oldSigner.sign(claims)).token)).userId).toBe(claims.sub);
  });

  it('produces tokens another key set refuses', async () => {
    const signer = await createAccessTokenSigner({ signingKey: await signingKey('a'), extraPublicJwks: [], ttlSeconds: 900 });
    const other = await createAccessTokenSigner({ signingKey: await signingKey('a'), extraPublicJwks: [], ttlSeconds: 900 });
    const verifier = createAccessTokenVerifier({ jwks: other.publicJwks() });
    await expect(verifier.verify((await signer.sign(claims)).token)).rejects.toBeInstanceOf(AccessTokenError);
  });
});
