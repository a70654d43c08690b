import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLTestClient } from '../support/graphql-client.ts';
import { leaksInternals } from '../support/graphql-client.ts';
import { unsignedToken } from '../../platform/testing/access-tokens.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Access tokens are checked at the gateway and again by the users subgraph itself: expired,
 * foreign-signed, unsigned (`alg: none`), HMAC-signed (`HS256` keyed with the public key), never
 * expiring, issued in the future, too old or too long-lived, sessionless and tampered tokens are
 * refused by both, with UNAUTHENTICATED and nothing internal in the answer.
 */

let platform: TestPlatform;
let userId: string;
let validToken: string;

beforeAll(async () => {
  platform = await bootPlatform();
  const signUp = await platform.gateway.data<{ signUp: { accessToken: string; user: { id: string } } }>(
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }',
    { input: { email: `tokens-${randomUUID().slice(0, 8)}@example.com`, password: 'Correct-Horse-9', name: 'Token Tester' } },
  );
  userId = signUp.signUp.user.id;
  validToken = signUp.signUp.accessToken;
});
afterAll(async () => {
  await platform?.close();
});

const TARGETS = ['gateway', 'users subgraph directly'] as const;
type Target = (typeof TARGETS)[number];
const client = (target: Target): GraphQLTestClient => (target === 'gateway' ? platform.gateway : platform.subgraphClient('users'));
const clients = (): [Target, GraphQLTestClient][] => TARGETS.map((target) => [target, client(target)]);

async function expectRefused(target: GraphQLTestClient, token: string, message: RegExp) {
  const response = await target.request<{ me: unknown }>('{ me { id email } }', undefined, { token });
  expect(response.status).toBe(401);
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(response.body.errors?.[0]?.message).toMatch(message);
  expect(leaksInternals(response.body)).toBe(false);
}

describe('access tokens', () => {
  it('a token issued by sign-up is accepted by the gateway and by the subgraph directly', async () => {
    for (const [, target] of clients()) {
      const me = await target.data<{ me: { id: string } }>('{ me { id } }', undefined, { token: validToken });
      expect(me.me.id).toBe(userId);
    }
  });

  it('publishes only public keys, cacheable for 5 minutes', async () => {
    const response = await fetch(platform.jwksUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const jwks = (await response.json()) as { keys: Record<string, string>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
    const header = JSON.parse(Buffer.from(validToken.split('.')[0] ?? '', 'base64url').toString()) as { alg: string; kid: string };
    expect(header.alg).toBe('EdDSA');
    expect(jwks.keys.map((key) => key.kid)).toContain(header.kid);
  });

  it.each(TARGETS)('refuses an expired token (%s)', async (name) => {
    const token = await platform.signAccessToken({ sub: userId, role: 'CUSTOMER' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    await expectRefused(client(name), token, /expired/);
  });

  it.each(TARGETS)('refuses a token signed by another key (%s)', async (name) => {
    const token = await platform.signAccessToken({ sub: userId, role: 'ADMIN' }, { foreign: true });
    await expectRefused(client(name), token, /not valid/);
  });

  it.each(TARGETS)('refuses an unsigned alg:none token (%s)', async (name) => {
    await expectRefused(client(name), unsignedToken({ sub: userId, role: 'ADMIN' }), /not valid/);
  });

  it.each(TARGETS)('refuses an HS256 token keyed with the published public key (%s)', async (name) => {
    await expectRefused(client(name), await platform.tokens.signHs256WithPublicKey({ sub: userId, role: 'ADMIN' }), /not valid/);
  });

  it.each(TARGETS)('refuses a token without an expiry (%s)', async (name) => {
    await expectRefused(client(name), await platform.signAccessToken({ sub: userId, role: 'ADMIN' }, { expiresIn: null }), /not valid/);
  });

  it.each(TARGETS)('refuses a token issued in the future, beyond the clock skew (%s)', async (name) => {
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    await expectRefused(client(name), await platform.signAccessToken({ sub: userId, role: 'ADMIN' }, { issuedAt: inAnHour, expiresIn: inAnHour + 300 }), /not valid/);
  });

  it.each(TARGETS)('refuses a token without an issue time (%s)', async (name) => {
    await expectRefused(client(name), await platform.signAccessToken({ sub: userId, role: 'ADMIN' }, { issuedAt: null }), /not valid/);
  });

  it.each(TARGETS)('refuses a fresh token with a ten-year lifetime (%s)', async (name) => {
    const now = Math.floor(Date.now() / 1000);
    const token = await platform.signAccessToken({ sub: userId, role: 'ADMIN' }, { issuedAt: now, expiresIn: now + 10 * 365 * 24 * 3600 });
    await expectRefused(client(name), token, /not valid/);
  });

  it.each(TARGETS)('refuses a token older than the maximum age, whatever its expiry (%s)', async (name) => {
    const now = Math.floor(Date.now() / 1000);
    const token = await platform.signAccessToken({ sub: userId, role: 'ADMIN' }, { issuedAt: now - 3600, expiresIn: now + 60 });
    await expectRefused(client(name), token, /expired/);
  });

  it.each(TARGETS)('refuses a token without a session id, which could not be ended (%s)', async (name) => {
    await expectRefused(client(name), await platform.signAccessToken({ sub: userId, role: 'ADMIN', sid: null }), /not valid/);
  });

  it.each(TARGETS)('refuses a genuine token whose claims were edited (%s)', async (name) => {
    const [header, payload, signature] = validToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'ADMIN' })).toString('base64url');
    await expectRefused(client(name), `${header}.${forged}.${signature}`, /not valid/);
  });

  it('refuses garbage in the Authorization header', async () => {
    for (const [, target] of clients()) {
      await expectRefused(target, 'not-a-jwt', /not valid/);
      const response = await target.request('{ me { id } }', undefined, { headers: { authorization: 'Basic abc' } });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('access rules', () => {
  it('mutations needing a user throw UNAUTHENTICATED when anonymous', async () => {
    const response = await platform.gateway.request<{ updateProfile: unknown }>(
      'mutation { updateProfile(input: { name: "Nobody" }) { user { id } userErrors { code } } }',
    );
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(leaksInternals(response.body)).toBe(false);
  });

  it('admin-only operations throw FORBIDDEN for customers, even with a valid token, and change nothing', async () => {
    const target = await platform.gateway.data<{ signUp: { refreshToken: string; user: { id: string } } }>(
      'mutation($input: SignUpInput!) { signUp(input: $input) { refreshToken user { id } } }',
      { input: { email: `target-${randomUUID().slice(0, 8)}@example.com`, password: 'Correct-Horse-9', name: 'Target' } },
    );
    const targetId = target.signUp.user.id;
    for (const [query, variables] of [
      ['{ users { totalCount } }', undefined],
      ['mutation($input: SuspendUserInput!) { suspendUser(input: $input) { user { id } userErrors { code } } }', { input: { id: targetId } }],
    ] as const) {
      const response = await platform.gateway.request(query, variables, { token: validToken });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(leaksInternals(response.body)).toBe(false);
    }
    const adminToken = await platform.signAccessToken({ role: 'ADMIN' });
    const after = await platform.gateway.data<{ user: { status: string } }>('query($id: ID!) { user(id: $id) { status } }', { id: targetId }, { token: adminToken });
    expect(after.user.status).toBe('ACTIVE');
    // Suspension would have ended the target's sessions: its refresh token still works.
    const refreshed = await platform.gateway.data<{ refreshAccessToken: { userErrors: unknown[] } }>(
      'mutation($input: RefreshAccessTokenInput!) { refreshAccessToken(input: $input) { userErrors { code } } }',
      { input: { refreshToken: target.signUp.refreshToken } },
    );
    expect(refreshed.refreshAccessToken.userErrors).toEqual([]);
  });
});
