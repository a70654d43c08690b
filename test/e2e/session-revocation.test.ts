import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { leaksInternals, type GraphQLResponse, type GraphQLTestClient } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Ending a session takes effect within seconds everywhere, not at token expiry: after
 * suspendUser, suspendVendor, logOut or a refresh-token reuse, the tokens it ended are refused by
 * the gateway and by every subgraph called directly (each process reads the shared list of ended
 * sessions once per SESSION_CHECK_INTERVAL_MS, 2 s by default). The refused request changes nothing.
 */

/** The check interval (2 s) plus a request's worth of slack, on a busy two-core machine. */
const DEADLINE_MS = 5_000;
const PASSWORD = 'Correct-Horse-9';
const ME = '{ me { id } }';
const ADD_ADDRESS = `mutation($input: AddressInput!) { addAddress(input: $input) { address { id } userErrors { code } } }`;
const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code field message } } }`;
const PRODUCTS = '{ products(first: 1) { totalCount } }';
const MY_PRODUCTS = '{ myProducts { totalCount } }';
const REFRESH = `mutation($input: RefreshAccessTokenInput!) {
  refreshAccessToken(input: $input) { accessToken refreshToken user { role } userErrors { code } }
}`;

interface Session {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

let platform: TestPlatform;
let usersDb: pg.Client;
let catalogDb: pg.Client;
let adminToken: string;

beforeAll(async () => {
  platform = await bootPlatform();
  usersDb = new pg.Client(poolConfigFromUrl(testDatabaseUrl('users')));
  catalogDb = new pg.Client(poolConfigFromUrl(testDatabaseUrl('catalog')));
  await usersDb.connect();
  await catalogDb.connect();
  adminToken = await platform.signAccessToken({ role: 'ADMIN' });
});
afterAll(async () => {
  await usersDb?.end();
  await catalogDb?.end();
  await platform?.close();
});

const gateway = () => platform.gateway;
const users = () => platform.subgraphClient('users');
const catalog = () => platform.subgraphClient('catalog');

async function signUp(): Promise<Session> {
  const email = `ending-${randomUUID().slice(0, 8)}@example.com`;
  const data = await gateway().data<{ signUp: { accessToken: string; refreshToken: string; user: { id: string } } }>(
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken user { id } } }',
    { input: { email, password: PASSWORD, name: 'Session Holder' } },
  );
  return { userId: data.signUp.user.id, email, accessToken: data.signUp.accessToken, refreshToken: data.signUp.refreshToken };
}

async function logIn(email: string): Promise<Session> {
  const data = await gateway().data<{ logIn: { accessToken: string; refreshToken: string; user: { id: string } } }>(
    'mutation($input: LogInInput!) { logIn(input: $input) { accessToken refreshToken user { id } } }',
    { input: { email, password: PASSWORD } },
  );
  return { userId: data.logIn.user.id, email, accessToken: data.logIn.accessToken, refreshToken: data.logIn.refreshToken };
}

async function refresh(refreshToken: string) {
  return (
    await gateway().data<{
      refreshAccessToken: { accessToken: string | null; refreshToken: string | null; user: { role: string } | null; userErrors: { code: string }[] };
    }>(REFRESH, { input: { refreshToken } })
  ).refreshAccessToken;
}

/** An admin payload mutation through the gateway, expected to succeed. */
async function asAdmin(query: string, input: Record<string, unknown>): Promise<void> {
  const data = await gateway().data<Record<string, { userErrors: unknown[] }>>(query, { input }, { token: adminToken });
  expect(Object.values(data)[0]?.userErrors).toEqual([]);
}

const address = () => ({ recipientName: 'Session Holder', line1: '1 Main St', city: 'Springfield', postalCode: '12345', countryCode: 'US' });
const product = () => ({ name: `Ended ${randomUUID().slice(0, 8)}`, variants: [{ sku: `END-${randomUUID().slice(0, 8)}`, price: { amount: 1000, currency: 'EUR' } }] });

/** Works now: a refusal later is the revocation's doing, not a broken token. */
async function expectAccepted(client: GraphQLTestClient, query: string, token: string, variables?: Record<string, unknown>) {
  const response = await client.request(query, variables, { token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.errors).toBeUndefined();
}

/** The whole request refused: 401 UNAUTHENTICATED, saying the session ended, nothing else. */
function expectSessionEnded(response: GraphQLResponse<unknown>) {
  expect(response.status).toBe(401);
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(response.body.errors?.[0]?.message).toMatch(/session has ended/);
  expect(leaksInternals(response.body)).toBe(false);
}

/**
 * Polls a read (never sleeps, never repeats a write) until the process refuses the token, and
 * returns how long that took.
 */
async function refusedWithin(client: GraphQLTestClient, query: string, token: string): Promise<number> {
  const started = Date.now();
  const response = await waitFor(
    `${client.url} to refuse the ended session`,
    async () => {
      const answer = await client.request(query, undefined, { token });
      return answer.status === 401 ? answer : undefined;
    },
    { timeoutMs: DEADLINE_MS, intervalMs: 100 },
  );
  expectSessionEnded(response);
  return Date.now() - started;
}

/** Once the process refuses the token, a write with it is refused too, before it runs. */
async function expectWriteRefused(client: GraphQLTestClient, query: string, token: string, variables: Record<string, unknown>) {
  expectSessionEnded(await client.request(query, variables, { token }));
}

const addressCount = async (userId: string) => Number((await usersDb.query<{ count: string }>('SELECT count(*) FROM addresses WHERE user_id = $1', [userId])).rows[0]?.count);
const productCount = async (vendorId: string) => Number((await catalogDb.query<{ count: string }>('SELECT count(*) FROM products WHERE vendor_id = $1', [vendorId])).rows[0]?.count);

describe('sessions end within seconds everywhere', () => {
  it('after suspendUser the account’s token can neither read me nor add an address, at the gateway or at any subgraph', async () => {
    const member = await signUp();
    await expectAccepted(gateway(), ME, member.accessToken);
    await expectAccepted(users(), ME, member.accessToken);

    await asAdmin('mutation($input: SuspendUserInput!) { suspendUser(input: $input) { userErrors { code } } }', { id: member.userId, reason: 'abuse' });

    for (const client of [gateway(), users()]) {
      expect(await refusedWithin(client, ME, member.accessToken)).toBeLessThan(DEADLINE_MS);
      await expectWriteRefused(client, ADD_ADDRESS, member.accessToken, { input: address() });
    }
    expect(await refusedWithin(catalog(), PRODUCTS, member.accessToken)).toBeLessThan(DEADLINE_MS);
    expect(await addressCount(member.userId)).toBe(0);
  });

  it('after suspendVendor the owner’s token cannot create a product, at the gateway or at the catalog; a refresh gives customer rights', async () => {
    const owner = await signUp();
    const applied = await gateway().data<{ applyForVendor: { vendor: { id: string } } }>(
      'mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } userErrors { code } } }',
      { input: { name: 'Short Lived Store', slug: `short-lived-${randomUUID().slice(0, 8)}` } },
      { token: owner.accessToken },
    );
    const vendorId = applied.applyForVendor.vendor.id;
    await asAdmin('mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }', { id: vendorId });
    const promoted = await refresh(owner.refreshToken);
    expect(promoted.user?.role).toBe('VENDOR');
    const vendorToken = promoted.accessToken ?? '';
    await expectAccepted(gateway(), CREATE_PRODUCT, vendorToken, { input: product() });
    await expectAccepted(catalog(), CREATE_PRODUCT, vendorToken, { input: product() });
    expect(await productCount(vendorId)).toBe(2);

    await asAdmin('mutation($input: SuspendVendorInput!) { suspendVendor(input: $input) { userErrors { code } } }', { id: vendorId, reason: 'fraud' });

    for (const client of [gateway(), catalog()]) {
      expect(await refusedWithin(client, MY_PRODUCTS, vendorToken)).toBeLessThan(DEADLINE_MS);
      await expectWriteRefused(client, CREATE_PRODUCT, vendorToken, { input: product() });
    }
    expect(await productCount(vendorId)).toBe(2);

    // The session itself goes on: its refresh token now yields a customer's token, accepted at once.
    const demoted = await refresh(promoted.refreshToken ?? '');
    expect(demoted.user?.role).toBe('CUSTOMER');
    await expectAccepted(gateway(), ME, demoted.accessToken ?? '');
    await expectAccepted(catalog(), PRODUCTS, demoted.accessToken ?? '');
  });

  it('after logOut the session’s token is refused at the gateway and every subgraph; the account’s other session is not', async () => {
    const loggedOut = await signUp();
    const otherDevice = await logIn(loggedOut.email);
    await expectAccepted(gateway(), ME, loggedOut.accessToken);

    const response = await gateway().data<{ logOut: { success: boolean } }>(
      'mutation($input: LogOutInput!) { logOut(input: $input) { success userErrors { code } } }',
      { input: { refreshToken: loggedOut.refreshToken } },
    );
    expect(response.logOut.success).toBe(true);

    for (const client of [gateway(), users()]) expect(await refusedWithin(client, ME, loggedOut.accessToken)).toBeLessThan(DEADLINE_MS);
    expect(await refusedWithin(catalog(), PRODUCTS, loggedOut.accessToken)).toBeLessThan(DEADLINE_MS);
    await expectAccepted(gateway(), ME, otherDevice.accessToken);
    await expectAccepted(catalog(), PRODUCTS, otherDevice.accessToken);
  });

  it('after a refresh-token reuse every access token of the family is refused, the newest included', async () => {
    const victim = await signUp();
    const rotated = await refresh(victim.refreshToken);
    const newest = rotated.accessToken ?? '';
    await expectAccepted(gateway(), ME, newest);

    const replay = await refresh(victim.refreshToken);
    expect(replay.userErrors.map((error) => error.code)).toEqual(['REFRESH_TOKEN_REUSED']);

    for (const token of [victim.accessToken, newest]) {
      for (const client of [gateway(), users()]) expect(await refusedWithin(client, ME, token)).toBeLessThan(DEADLINE_MS);
      expect(await refusedWithin(catalog(), PRODUCTS, token)).toBeLessThan(DEADLINE_MS);
    }
    expect(await addressCount(victim.userId)).toBe(0);
  });
});
