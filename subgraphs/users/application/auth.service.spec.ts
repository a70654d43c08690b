import { createHash, randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignUpRateLimiter } from '../infra/sign-up-rate-limiter.ts';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';
import { retryAtOf, type AuthSession, type LogInCommand, type SignUpCommand } from './auth.service.ts';
import { createUsersApp } from './services.ts';

let h: UsersHarness;
beforeAll(async () => {
  h = await createUsersHarness({ scope: 'auth', loginLimits: { failuresBeforeDelay: 3, baseDelaySeconds: 30 } });
});
afterAll(async () => {
  await h?.close();
});

const uniqueEmail = () => `ada-${randomUUID().slice(0, 8)}@example.com`;
const codes = (result: { ok: boolean; errors?: { code: string }[] }) => (result.ok ? [] : (result.errors ?? []).map((e) => e.code));
// Each call is its own request, as it would be through the API.
const signUp = (input: SignUpCommand) => h.services.auth.signUp(h.scope(), input);
const logIn = (input: LogInCommand, clientIp: string) => h.services.auth.logIn(h.scope(null, { clientIp }), input);
const refresh = (refreshToken: string) => h.services.auth.refresh(h.scope(), { refreshToken });
const logOut = (refreshToken: string) => h.services.auth.logOut(h.scope(), { refreshToken });
function session(result: { ok: true; value: AuthSession } | { ok: false }): AuthSession {
  if (!result.ok) throw new Error('expected a session');
  return result.value;
}

describe('sign up', () => {
  it('creates a customer, starts a session and stores only the refresh token hash', async () => {
    const email = uniqueEmail();
    const result = session(await signUp({ email: email.toUpperCase(), password: 'correct horse 1', name: ' Ada ' }));
    expect(result.user).toMatchObject({ email, name: 'Ada', role: 'CUSTOMER', status: 'ACTIVE' });
    expect(await h.verifier.verify(result.accessToken)).toEqual({ userId: result.user.id, role: 'CUSTOMER', vendorId: null });
    expect(result.refreshToken).toMatch(/^[\w-]{43}$/);
    const stored = await h.prisma.refreshToken.findMany({ where: { family: { userId: result.user.id } } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).toBe(createHash('sha256').update(result.refreshToken).digest('hex'));
    const row = await h.prisma.user.findUniqueOrThrow({ where: { id: result.user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('counts the new account as signed in for the rest of its request, and only that request', async () => {
    const scope = h.scope();
    const result = session(await h.services.auth.signUp(scope, { email: uniqueEmail(), password: 'correct horse 1', name: 'Ada' }));
    expect([...scope.signedInNow]).toEqual([result.user.id]);
    expect(h.services.users.privateProfile(scope, result.user).email).toBe(result.user.email);
    expect(() => h.services.users.privateProfile(h.scope(), result.user)).toThrow(/Only this account/);
  });

  it('reports every invalid field at once and creates nothing', async () => {
    const before = await h.prisma.user.count();
    const result = await signUp({ email: 'not-an-email', password: 'short', name: '  ' });
    expect(!result.ok && result.errors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_EMAIL', ['input', 'email']],
      ['VALIDATION_FAILED', ['input', 'name']],
      ['WEAK_PASSWORD', ['input', 'password']],
    ]);
    expect(await h.prisma.user.count()).toBe(before);
  });

  it('refuses a weak password without touching the database', async () => {
    const email = uniqueEmail();
    expect(codes(await signUp({ email, password: 'aaaaaaaaaaaa', name: 'Ada' }))).toEqual(['WEAK_PASSWORD']);
    expect(codes(await signUp({ email, password: email, name: 'Ada' }))).toEqual(['WEAK_PASSWORD']);
    expect(await h.prisma.user.count({ where: { email } })).toBe(0);
  });

  it('checks the input and the email before spending a password hash', async () => {
    const taken = await h.createAccount();
    const before = h.reads.argon2Runs;
    expect(codes(await signUp({ email: 'not-an-email', password: 'correct horse 1', name: 'Ada' }))).toEqual(['INVALID_EMAIL']);
    expect(codes(await signUp({ email: taken.email, password: 'correct horse 1', name: 'Ada' }))).toEqual(['EMAIL_TAKEN']);
    expect(h.reads.argon2Runs).toBe(before);
    session(await signUp({ email: uniqueEmail(), password: 'correct horse 1', name: 'Ada' }));
    expect(h.reads.argon2Runs).toBe(before + 1);
  });

  it('limits sign-ups per client address, taken emails included, without hashing once refused', async () => {
    const limited = createUsersApp({ ...h.deps, signUpLimiter: createSignUpRateLimiter(h.redis, { maxPerIp: 2, ipWindowSeconds: 600 }, h.logger, () => h.clock.now()) });
    const from = (clientIp: string) => limited.scopeFor(h.request(null, { clientIp }));
    const taken = await h.createAccount();
    expect(codes(await limited.services.auth.signUp(from('10.6.0.1'), { email: taken.email, password: 'correct horse 1', name: 'Ada' }))).toEqual([
      'EMAIL_TAKEN',
    ]);
    session(await limited.services.auth.signUp(from('10.6.0.1'), { email: uniqueEmail(), password: 'correct horse 1', name: 'Ada' }));
    const before = { hashes: h.reads.argon2Runs, users: await h.prisma.user.count() };
    const email = uniqueEmail();
    const refused = await limited.services.auth.signUp(from('10.6.0.1'), { email, password: 'correct horse 1', name: 'Ada' });
    expect(refused).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'TOO_MANY_ATTEMPTS', field: null, message: expect.stringMatching(/try again in \d+ minutes/) })] });
    expect(retryAtOf(refused)?.getTime()).toBeGreaterThan(h.clock.now().getTime() + 9 * 60_000);
    expect({ hashes: h.reads.argon2Runs, users: await h.prisma.user.count() }).toEqual(before);
    // Another address is not affected.
    session(await limited.services.auth.signUp(from('10.6.0.2'), { email, password: 'correct horse 1', name: 'Ada' }));
  });

  it('refuses a taken email whatever its case, leaving the first account intact', async () => {
    const email = uniqueEmail();
    const first = session(await signUp({ email, password: 'correct horse 1', name: 'First' }));
    const again = await signUp({ email: ` ${email.toUpperCase()} `, password: 'another horse 2', name: 'Second' });
    expect(codes(again)).toEqual(['EMAIL_TAKEN']);
    const rows = await h.prisma.user.findMany({ where: { email } });
    expect(rows.map((row) => [row.id, row.name])).toEqual([[first.user.id, 'First']]);
  });
});

describe('log in', () => {
  it('signs in with the right password, in any email case', async () => {
    const account = await h.createAccount();
    const result = session(await logIn({ email: account.email.toUpperCase(), password: account.password }, '10.1.0.1'));
    expect(result.user.id).toBe(account.userId);
    expect((await h.verifier.verify(result.accessToken)).userId).toBe(account.userId);
  });

  it('answers a wrong password and an unknown email identically and starts no session', async () => {
    const account = await h.createAccount();
    const wrong = await logIn({ email: account.email, password: 'wrong horse 9' }, '10.1.0.2');
    const unknown = await logIn({ email: uniqueEmail(), password: 'wrong horse 9' }, '10.1.0.2');
    expect(wrong).toEqual(unknown);
    expect(codes(wrong)).toEqual(['INVALID_CREDENTIALS']);
    expect(await h.prisma.refreshTokenFamily.count({ where: { userId: account.userId } })).toBe(0);
  });

  it('delays an address after repeated failures, even for the right password, saying when to retry; the owner elsewhere gets in', async () => {
    const account = await h.createAccount();
    for (let i = 0; i < 4; i += 1) {
      expect(codes(await logIn({ email: account.email, password: `wrong horse ${i}` }, '10.2.0.1'))).toEqual(['INVALID_CREDENTIALS']);
    }
    const before = h.reads.argon2Runs;
    const delayed = await logIn({ email: account.email, password: account.password }, '10.2.0.1');
    expect(delayed).toEqual({
      ok: false,
      errors: [expect.objectContaining({ code: 'TOO_MANY_ATTEMPTS', message: expect.stringMatching(/^Too many failed log-ins; try again in (29|30) seconds\.$/) })],
    });
    // The fourth failure set a 30 s wait from when it was tried.
    expect(retryAtOf(delayed)?.getTime()).toBeGreaterThan(h.clock.now().getTime() + 25_000);
    expect(retryAtOf(delayed)?.getTime()).toBeLessThanOrEqual(h.clock.now().getTime() + 30_000);
    expect(h.reads.argon2Runs).toBe(before);
    expect((await logIn({ email: account.email, password: account.password }, '10.2.0.2')).ok).toBe(true);
    h.clock.advance(30_000);
    try {
      expect((await logIn({ email: account.email, password: account.password }, '10.2.0.1')).ok).toBe(true);
    } finally {
      h.clock.advance(-30_000);
    }
  });

  it('answers an absurdly long password as wrong without hashing it', async () => {
    const account = await h.createAccount();
    const before = h.reads.argon2Runs;
    expect(codes(await logIn({ email: account.email, password: 'x'.repeat(100_000) }, '10.2.1.1'))).toEqual(['INVALID_CREDENTIALS']);
    expect(h.reads.argon2Runs).toBe(before);
  });

  it('refuses a suspended account only once the password is right', async () => {
    const account = await h.createAccount();
    await h.prisma.user.update({ where: { id: account.userId }, data: { status: 'SUSPENDED' } });
    expect(codes(await logIn({ email: account.email, password: 'wrong horse 1' }, '10.3.0.1'))).toEqual([
      'INVALID_CREDENTIALS',
    ]);
    expect(codes(await logIn({ email: account.email, password: account.password }, '10.3.0.1'))).toEqual([
      'ACCOUNT_SUSPENDED',
    ]);
  });
});

describe('refresh', () => {
  const start = async () => {
    const account = await h.createAccount();
    return session(await logIn({ email: account.email, password: account.password }, '10.4.0.1'));
  };

  it('rotates: a new pair, the old refresh token marked used, same family', async () => {
    const first = await start();
    const second = session(await refresh(first.refreshToken));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await h.verifier.verify(second.accessToken)).userId).toBe(first.user.id);
    const tokens = await h.prisma.refreshToken.findMany({ where: { family: { userId: first.user.id } }, orderBy: { createdAt: 'asc' } });
    expect(tokens).toHaveLength(2);
    expect(tokens[0]?.rotatedAt).not.toBeNull();
    expect(tokens[1]?.rotatedAt).toBeNull();
    expect(tokens[0]?.familyId).toBe(tokens[1]?.familyId);
  });

  it('treats reuse of a rotated token as theft: REFRESH_TOKEN_REUSED and the whole family revoked, access tokens included', async () => {
    const first = await start();
    const second = session(await refresh(first.refreshToken));
    const other = await start();
    expect(codes(await refresh(first.refreshToken))).toEqual(['REFRESH_TOKEN_REUSED']);
    expect(codes(await refresh(second.refreshToken))).toEqual(['REFRESH_TOKEN_INVALID']);
    const family = await h.prisma.refreshTokenFamily.findFirstOrThrow({ where: { userId: first.user.id } });
    expect(family.revokedAt).not.toBeNull();
    for (const token of [first.accessToken, second.accessToken]) await expect(h.verifier.verify(token)).rejects.toMatchObject({ reason: 'revoked' });
    expect((await h.verifier.verify(other.accessToken)).userId).toBe(other.user.id);
  });

  it('carries the family as the session id of every access token it issues', async () => {
    const first = await start();
    const second = session(await refresh(first.refreshToken));
    const family = await h.prisma.refreshTokenFamily.findFirstOrThrow({ where: { userId: first.user.id } });
    expect([first.accessToken, second.accessToken].map((token) => decodeJwt(token).sid)).toEqual([family.id, family.id]);
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const first = await start();
    const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.flatMap(codes)).toEqual(['REFRESH_TOKEN_REUSED']);
  });

  it('refuses unknown, malformed and expired tokens without changing anything', async () => {
    expect(await refresh('nope')).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'REFRESH_TOKEN_INVALID', field: ['input', 'refreshToken'] })] });
    expect(codes(await refresh('x'.repeat(10_000)))).toEqual(['REFRESH_TOKEN_INVALID']);
    const first = await start();
    h.clock.advance(3601_000);
    try {
      expect(codes(await refresh(first.refreshToken))).toEqual(['REFRESH_TOKEN_INVALID']);
    } finally {
      h.clock.advance(-3601_000);
    }
    const token = await h.prisma.refreshToken.findFirstOrThrow({ where: { family: { userId: first.user.id } } });
    expect(token.rotatedAt).toBeNull();
  });

  it('refuses a suspended account and ends its session', async () => {
    const first = await start();
    await h.prisma.user.update({ where: { id: first.user.id }, data: { status: 'SUSPENDED' } });
    expect(codes(await refresh(first.refreshToken))).toEqual(['ACCOUNT_SUSPENDED']);
    const family = await h.prisma.refreshTokenFamily.findFirstOrThrow({ where: { userId: first.user.id } });
    expect(family.revokedAt).not.toBeNull();
  });
});

describe('log out', () => {
  it('revokes the family, so neither the current nor an older token refreshes, and ends its access tokens only', async () => {
    const account = await h.createAccount();
    const first = session(await logIn({ email: account.email, password: account.password }, '10.5.0.1'));
    const second = session(await refresh(first.refreshToken));
    const otherDevice = session(await logIn({ email: account.email, password: account.password }, '10.5.0.1'));
    expect(await logOut(second.refreshToken)).toEqual({ ok: true, value: true });
    expect(codes(await refresh(second.refreshToken))).toEqual(['REFRESH_TOKEN_INVALID']);
    for (const token of [first.accessToken, second.accessToken]) await expect(h.verifier.verify(token)).rejects.toMatchObject({ reason: 'revoked' });
    expect((await h.verifier.verify(otherDevice.accessToken)).userId).toBe(account.userId);
    expect(codes(await logOut('unknown-token'))).toEqual(['REFRESH_TOKEN_INVALID']);
  });
});
