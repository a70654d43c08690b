import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/app.ts';
import { loadGatewayConfig } from '../../gateway/config.ts';
import { createLogger } from '../../platform/logging/logger.ts';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { composeSubgraphs } from '../../scripts/compose.ts';
import { GraphQLTestClient, leaksInternals } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Sign-up and log-in under abuse, through the gateway. The platform's gateway trusts the test's
 * own address (127.0.0.1) as a load balancer, so each request names its client in
 * X-Forwarded-For: different clients without different machines. A second gateway trusts no
 * proxy, as in a deployment without one.
 */

interface AuthResult {
  accessToken: string | null;
  retryAfter: string | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}
const AUTH_FIELDS = 'accessToken retryAfter userErrors { code field message }';
const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`;
const LOG_IN = `mutation LogIn($input: LogInInput!) { logIn(input: $input) { ${AUTH_FIELDS} } }`;
const password = 'Correct-Horse-9';
const email = () => `abuse-${randomUUID().slice(0, 8)}@example.com`;
let nextHost = 1;
/** A client address never used before in this file, so no two tests share a limit. */
const clientAddress = () => `203.0.113.${nextHost++}`;

let platform: TestPlatform;
let unproxied: RunningGateway;
let dir: string;
let db: pg.Client;

beforeAll(async () => {
  platform = await bootPlatform({
    env: {
      gateway: { TRUSTED_PROXIES: '127.0.0.1,::1' },
      users: { SIGNUP_MAX_PER_IP: '3', LOGIN_DELAY_BASE_SECONDS: '3', LOGIN_MAX_FAILURES_PER_IP: '6', LOGIN_MAX_FAILURES_PER_ACCOUNT: '10' },
    },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'abuse-e2e-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  writeFileSync(
    supergraphPath,
    await composeSubgraphs(Object.fromEntries(Object.entries(platform.subgraphs).map(([name, running]) => [name, running.graphqlUrl]))),
  );
  unproxied = await startGateway(
    loadGatewayConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', SUPERGRAPH_PATH: supergraphPath, JWKS_URL: platform.jwksUrl, ...platform.signing.env }),
    createLogger({ service: 'abuse-e2e', level: 'silent', pretty: false }),
  );
  db = new pg.Client(poolConfigFromUrl(testDatabaseUrl('users')));
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await unproxied?.close();
  await platform?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function auth(
  query: string,
  input: Record<string, unknown>,
  from: string,
  client: GraphQLTestClient = platform.gateway,
): Promise<AuthResult> {
  const response = await client.request<Record<string, AuthResult>>(query, { input }, { headers: { 'x-forwarded-for': from } });
  expect(response.body.errors).toBeUndefined();
  expect(leaksInternals(response.body)).toBe(false);
  const result = Object.values(response.body.data ?? {})[0];
  if (!result) throw new Error(`no payload in ${JSON.stringify(response.body)}`);
  return result;
}
const signUp = (input: Record<string, unknown>, from: string) => auth(SIGN_UP, input, from);
const logIn = (input: Record<string, unknown>, from: string, client?: GraphQLTestClient) => auth(LOG_IN, input, from, client);
const codes = (result: AuthResult) => result.userErrors.map((error) => error.code);
const accountsNamed = async (...emails: string[]) =>
  Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM users WHERE email = ANY($1)', [emails])).rows[0]?.n);
/** Seconds from now until `retryAfter`. */
const secondsUntil = (retryAfter: string | null) => (new Date(retryAfter ?? 0).getTime() - Date.now()) / 1000;

describe('one request, one mutation', () => {
  it('refuses thirty aliased sign-ups before any runs: 400 TOO_MANY_ROOT_FIELDS, no account created', async () => {
    const emails = Array.from({ length: 30 }, email);
    const fields = emails.map((address, i) => `s${i}: signUp(input: { email: "${address}", password: "${password}", name: "Bot ${i}" }) { accessToken }`);
    const response = await platform.gateway.request(`mutation Burst { ${fields.join(' ')} }`, undefined, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: 'Operation "Burst" runs 30 mutation fields; the limit is 1 per request, so send them as separate requests.',
        extensions: { code: 'TOO_MANY_ROOT_FIELDS' },
      }),
    ]);
    expect(await accountsNamed(...emails)).toBe(0);
  });
});

describe('sign-up', () => {
  it('is limited per client address, emails already taken included; the refusal says when to retry and creates nothing', async () => {
    const from = clientAddress();
    const existing = email();
    expect(codes(await signUp({ email: existing, password, name: 'First' }, from))).toEqual([]);
    expect(codes(await signUp({ email: existing, password, name: 'Probe' }, from))).toEqual(['EMAIL_TAKEN']);
    expect(codes(await signUp({ email: email(), password, name: 'Second' }, from))).toEqual([]);

    const refusedEmail = email();
    const refused = await signUp({ email: refusedEmail, password, name: 'Fourth' }, from);
    expect(refused).toMatchObject({ accessToken: null, userErrors: [{ code: 'TOO_MANY_ATTEMPTS', field: null }] });
    expect(secondsUntil(refused.retryAfter)).toBeGreaterThan(55 * 60);
    // Over the limit, a taken email is not revealed either.
    expect(codes(await signUp({ email: existing, password, name: 'Probe' }, from))).toEqual(['TOO_MANY_ATTEMPTS']);
    expect(await accountsNamed(refusedEmail)).toBe(0);

    expect(codes(await signUp({ email: refusedEmail, password, name: 'Elsewhere' }, clientAddress()))).toEqual([]);
  });
});

describe('log-in failures', () => {
  it('delay the next attempt from that address, right password or not, and say until when; the owner elsewhere is not locked out', async () => {
    const account = email();
    const attacker = clientAddress();
    await signUp({ email: account, password, name: 'Owner' }, clientAddress());
    for (let i = 0; i < 4; i += 1) expect(codes(await logIn({ email: account, password: `Wrong-Horse-${i}` }, attacker))).toEqual(['INVALID_CREDENTIALS']);

    const delayed = await logIn({ email: account, password }, attacker);
    expect(delayed).toMatchObject({ accessToken: null, userErrors: [{ code: 'TOO_MANY_ATTEMPTS', message: expect.stringMatching(/^Too many failed log-ins; try again in [1-3] seconds?\./) }] });
    expect(secondsUntil(delayed.retryAfter)).toBeGreaterThan(0);
    expect(secondsUntil(delayed.retryAfter)).toBeLessThanOrEqual(3);

    const owner = await logIn({ email: account, password }, clientAddress());
    expect(owner.userErrors).toEqual([]);
    expect(owner.accessToken).toEqual(expect.any(String));

    // Once the wait is over, the right password works from there too (refusals meanwhile do not count).
    const later = await waitFor('the delay to pass', async () => (await logIn({ email: account, password }, attacker)).accessToken ?? false, {
      timeoutMs: 15_000,
      intervalMs: 250,
    });
    expect(later).toEqual(expect.any(String));
  });

  it('are capped per address over all accounts, while successes from a shared address never count', async () => {
    const office = clientAddress();
    const colleagues = [email(), email(), email()];
    for (const colleague of colleagues) await signUp({ email: colleague, password, name: 'Colleague' }, clientAddress());
    for (let round = 0; round < 4; round += 1) {
      for (const colleague of colleagues) expect((await logIn({ email: colleague, password }, office)).userErrors).toEqual([]);
    }
    for (let i = 0; i < 6; i += 1) expect(codes(await logIn({ email: email(), password }, office))).toEqual(['INVALID_CREDENTIALS']);
    const capped = await logIn({ email: colleagues[0], password }, office);
    expect(capped).toMatchObject({ userErrors: [{ code: 'TOO_MANY_ATTEMPTS' }] });
    expect(secondsUntil(capped.retryAfter)).toBeGreaterThan(10 * 60);
    expect((await logIn({ email: colleagues[0], password }, clientAddress())).userErrors).toEqual([]);
  });

  it('are capped per account from everywhere, but an address that signed in before still may', async () => {
    const account = email();
    const home = clientAddress();
    await signUp({ email: account, password, name: 'Target' }, home);
    expect((await logIn({ email: account, password }, home)).userErrors).toEqual([]);
    for (let i = 0; i < 10; i += 1) expect(codes(await logIn({ email: account, password: `Wrong-${i}-Horse` }, clientAddress()))).toEqual(['INVALID_CREDENTIALS']);
    expect(codes(await logIn({ email: account, password }, clientAddress()))).toEqual(['TOO_MANY_ATTEMPTS']);
    expect((await logIn({ email: account, password }, home)).userErrors).toEqual([]);
  });
});

describe('the client address', () => {
  it('is never taken from a header the client wrote when no proxy is trusted', async () => {
    // Without a trusted proxy every request below comes from 127.0.0.1, whatever it claims, so
    // they share one address' failure cap.
    const direct = new GraphQLTestClient(unproxied.graphqlUrl);
    for (let i = 0; i < 6; i += 1) expect(codes(await logIn({ email: email(), password }, clientAddress(), direct))).toEqual(['INVALID_CREDENTIALS']);
    expect(codes(await logIn({ email: email(), password }, clientAddress(), direct))).toEqual(['TOO_MANY_ATTEMPTS']);
    // Behind the trusted proxy, the same requests come from different clients.
    expect(codes(await logIn({ email: email(), password }, clientAddress()))).toEqual(['INVALID_CREDENTIALS']);
  });
});
