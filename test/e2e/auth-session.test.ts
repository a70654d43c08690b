import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { leaksInternals } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';

/**
 * Sign-up, log-in, refresh rotation, reuse detection and log-out, through the gateway as a client
 * would use them. Every refused input also proves the database did not change and nothing leaked.
 */

interface AuthResult {
  accessToken: string | null;
  refreshToken: string | null;
  expiresAt: string | null;
  user: { id: string; email: string; name: string; role: string } | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

const AUTH_FIELDS = 'accessToken refreshToken expiresAt user { id email name role } userErrors { code field message }';
const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`;
const LOG_IN = `mutation LogIn($input: LogInInput!) { logIn(input: $input) { ${AUTH_FIELDS} } }`;
const REFRESH = `mutation Refresh($input: RefreshAccessTokenInput!) { refreshAccessToken(input: $input) { ${AUTH_FIELDS} } }`;
const LOG_OUT = 'mutation LogOut($input: LogOutInput!) { logOut(input: $input) { success userErrors { code field message } } }';
const ME = '{ me { id email name role } }';

let platform: TestPlatform;
let db: pg.Client;

beforeAll(async () => {
  // A long first log-in delay, so the delayed attempt below is refused however slow the machine is.
  platform = await bootPlatform({ env: { users: { LOGIN_DELAY_BASE_SECONDS: '60' } } });
  db = new pg.Client(poolConfigFromUrl(testDatabaseUrl('users')));
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

const email = () => `e2e-${randomUUID().slice(0, 8)}@example.com`;
const password = 'Correct-Horse-9';

async function mutate(query: string, variables: Record<string, unknown>, key: string, token?: string): Promise<AuthResult> {
  const response = await platform.gateway.request<Record<string, AuthResult>>(query, variables, token ? { token } : {});
  expect(response.body.errors).toBeUndefined();
  expect(leaksInternals(response.body)).toBe(false);
  const result = response.body.data?.[key];
  if (!result) throw new Error(`no ${key} in ${JSON.stringify(response.body)}`);
  return result;
}
const signUp = (input: Record<string, unknown>) => mutate(SIGN_UP, { input }, 'signUp');
const logIn = (input: Record<string, unknown>) => mutate(LOG_IN, { input }, 'logIn');
const refresh = (refreshToken: string) => mutate(REFRESH, { input: { refreshToken } }, 'refreshAccessToken');

/** A snapshot of everything auth writes, to prove a refused request changed nothing. */
async function authTables(): Promise<string> {
  const result = await db.query(
    `SELECT (SELECT count(*) FROM users) AS users,
            (SELECT count(*) FROM refresh_token_families) AS families,
            (SELECT count(*) FROM refresh_token_families WHERE revoked_at IS NOT NULL) AS revoked,
            (SELECT count(*) FROM refresh_tokens) AS tokens,
            (SELECT count(*) FROM refresh_tokens WHERE rotated_at IS NOT NULL) AS rotated,
            (SELECT max(updated_at)::text FROM users) AS last_update`,
  );
  return JSON.stringify(result.rows[0]);
}

describe('sign up, log in, me', () => {
  it('signs up, logs in with any email case, and reads me with the access token', async () => {
    const address = email();
    const created = await signUp({ email: address, password, name: 'Ada Lovelace' });
    expect(created.userErrors).toEqual([]);
    expect(created.user).toMatchObject({ email: address, name: 'Ada Lovelace', role: 'CUSTOMER' });
    expect(new Date(created.expiresAt ?? 0).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    const loggedIn = await logIn({ email: address.toUpperCase(), password });
    expect(loggedIn.userErrors).toEqual([]);
    expect(loggedIn.user?.id).toBe(created.user?.id);
    expect(loggedIn.refreshToken).not.toBe(created.refreshToken);

    const me = await platform.gateway.data<{ me: { id: string; email: string } }>(ME, undefined, { token: loggedIn.accessToken });
    expect(me.me).toMatchObject({ id: created.user?.id, email: address });
    expect(await platform.gateway.data(ME)).toEqual({ me: null });
  });
});

describe('refused sign-ups and log-ins change nothing', () => {
  let existing: string;
  beforeAll(async () => {
    existing = email();
    expect((await signUp({ email: existing, password, name: 'Existing' })).userErrors).toEqual([]);
  });

  it.each([
    ['malformed email', () => ({ email: 'ada@@example', password, name: 'Ada' }), 'INVALID_EMAIL', ['input', 'email']],
    ['weak password', () => ({ email: email(), password: 'abcdefghijk', name: 'Ada' }), 'WEAK_PASSWORD', ['input', 'password']],
    ['short password', () => ({ email: email(), password: 'Ab1!', name: 'Ada' }), 'WEAK_PASSWORD', ['input', 'password']],
    ['duplicate email', () => ({ email: existing.toUpperCase(), password, name: 'Twin' }), 'EMAIL_TAKEN', ['input', 'email']],
  ])('sign-up with a %s → %s', async (_case, input, code, field) => {
    const before = await authTables();
    const result = await signUp(input());
    expect(result).toMatchObject({ accessToken: null, refreshToken: null, user: null });
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await authTables()).toBe(before);
  });

  it('answers a wrong password and an unknown email with the same INVALID_CREDENTIALS', async () => {
    const before = await authTables();
    const wrong = await logIn({ email: existing, password: 'Wrong-Horse-9' });
    const unknown = await logIn({ email: email(), password: 'Wrong-Horse-9' });
    expect(wrong).toEqual(unknown);
    expect(wrong.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS', field: null, message: 'The email or password is incorrect.' }]);
    expect(await authTables()).toBe(before);
  });

  it('refuses a malformed email at log-in', async () => {
    const result = await logIn({ email: 'not an email', password });
    expect(result.userErrors.map((error) => error.code)).toEqual(['INVALID_EMAIL']);
  });

  it('delays further attempts after 4 failures from one address: TOO_MANY_ATTEMPTS even with the right password', async () => {
    const address = email();
    await signUp({ email: address, password, name: 'Target' });
    for (let i = 0; i < 4; i += 1) {
      expect((await logIn({ email: address, password: `Wrong-Horse-${i}` })).userErrors[0]?.code).toBe('INVALID_CREDENTIALS');
    }
    const before = await authTables();
    const locked = await logIn({ email: address, password });
    expect(locked.userErrors.map((error) => error.code)).toEqual(['TOO_MANY_ATTEMPTS']);
    expect(locked.accessToken).toBeNull();
    expect(await authTables()).toBe(before);
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh returns a new pair and the new access token works', async () => {
    const first = await signUp({ email: email(), password, name: 'Rotator' });
    const second = await refresh(first.refreshToken ?? '');
    expect(second.userErrors).toEqual([]);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const third = await refresh(second.refreshToken ?? '');
    expect(third.userErrors).toEqual([]);
    const me = await platform.gateway.data<{ me: { id: string } }>(ME, undefined, { token: third.accessToken });
    expect(me.me.id).toBe(first.user?.id);
  });

  it('reuse of a rotated token revokes the whole family with REFRESH_TOKEN_REUSED', async () => {
    const first = await signUp({ email: email(), password, name: 'Victim' });
    const second = await refresh(first.refreshToken ?? '');
    const replay = await refresh(first.refreshToken ?? '');
    expect(replay).toMatchObject({ accessToken: null, refreshToken: null, user: null });
    expect(replay.userErrors.map((error) => error.code)).toEqual(['REFRESH_TOKEN_REUSED']);
    // The legitimate holder's newer token died with the family.
    const legit = await refresh(second.refreshToken ?? '');
    expect(legit.userErrors.map((error) => error.code)).toEqual(['REFRESH_TOKEN_INVALID']);
    const family = await db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM refresh_token_families WHERE user_id = $1', [first.user?.id]);
    expect(family.rows).toHaveLength(1);
    expect(family.rows[0]?.revoked_at).not.toBeNull();
  });

  it('refuses a made-up token and changes nothing', async () => {
    const before = await authTables();
    const result = await refresh('made-up-token');
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'REFRESH_TOKEN_INVALID', field: ['input', 'refreshToken'] })]);
    expect(await authTables()).toBe(before);
  });

  it('log-out ends the session: its refresh token no longer works, other sessions do', async () => {
    const address = email();
    const sessionA = await signUp({ email: address, password, name: 'Two Devices' });
    const sessionB = await logIn({ email: address, password });
    const response = await platform.gateway.data<{ logOut: { success: boolean; userErrors: unknown[] } }>(LOG_OUT, {
      input: { refreshToken: sessionA.refreshToken },
    });
    expect(response.logOut).toEqual({ success: true, userErrors: [] });
    expect((await refresh(sessionA.refreshToken ?? '')).userErrors.map((error) => error.code)).toEqual(['REFRESH_TOKEN_INVALID']);
    expect((await refresh(sessionB.refreshToken ?? '')).userErrors).toEqual([]);
  });

  it('log-out with an unknown token answers REFRESH_TOKEN_INVALID on the input and ends nothing', async () => {
    const session = await signUp({ email: email(), password, name: 'Stays In' });
    const before = await authTables();
    const response = await platform.gateway.data<{ logOut: { success: boolean | null; userErrors: unknown[] } }>(LOG_OUT, {
      input: { refreshToken: 'made-up-token' },
    });
    expect(response.logOut).toEqual({
      success: null,
      userErrors: [{ code: 'REFRESH_TOKEN_INVALID', field: ['input', 'refreshToken'], message: expect.any(String) }],
    });
    expect(await authTables()).toBe(before);
    expect((await refresh(session.refreshToken ?? '')).userErrors).toEqual([]);
  });
});
