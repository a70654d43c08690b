import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfigFromUrl } from '../../platform/prisma/pg-adapter.ts';
import { leaksInternals } from '../support/graphql-client.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';
import { testDatabaseUrl } from '../support/test-env.ts';

/**
 * Accounts through the gateway: profile and encrypted addresses, admin search, suspension, and
 * a store's way from application to approval (the owner's token becomes VENDOR on refresh).
 */

interface Session {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}
interface Payload {
  userErrors: { code: string; field: string[] | null; message: string }[];
  [key: string]: unknown;
}

const PASSWORD = 'Correct-Horse-9';
let platform: TestPlatform;
let db: pg.Client;
let admin: Session;

async function signUp(name = 'Account Holder'): Promise<Session> {
  const email = `acct-${randomUUID().slice(0, 8)}@example.com`;
  const data = await platform.gateway.data<{ signUp: { accessToken: string; refreshToken: string; user: { id: string } } }>(
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken user { id } } }',
    { input: { email, password: PASSWORD, name } },
  );
  return { userId: data.signUp.user.id, email, accessToken: data.signUp.accessToken, refreshToken: data.signUp.refreshToken };
}

async function logIn(email: string): Promise<{ accessToken: string | null; refreshToken: string | null; userErrors: Payload['userErrors'] }> {
  const data = await platform.gateway.data<{ logIn: { accessToken: string | null; refreshToken: string | null; userErrors: Payload['userErrors'] } }>(
    'mutation($input: LogInInput!) { logIn(input: $input) { accessToken refreshToken userErrors { code field message } } }',
    { input: { email, password: PASSWORD } },
  );
  return data.logIn;
}

async function refresh(token: string) {
  const data = await platform.gateway.data<{
    refreshAccessToken: { accessToken: string | null; refreshToken: string | null; user: { role: string } | null; userErrors: Payload['userErrors'] };
  }>('mutation($input: RefreshAccessTokenInput!) { refreshAccessToken(input: $input) { accessToken refreshToken user { role } userErrors { code field message } } }', {
    input: { refreshToken: token },
  });
  return data.refreshAccessToken;
}

/** Runs a mutation expected to answer with a payload (no GraphQL errors, nothing internal). */
async function mutate(query: string, variables: Record<string, unknown>, token: string): Promise<Payload> {
  const response = await platform.gateway.request<Record<string, Payload>>(query, variables, { token });
  expect(response.body.errors).toBeUndefined();
  expect(leaksInternals(response.body)).toBe(false);
  const payload = Object.values(response.body.data ?? {})[0];
  if (!payload) throw new Error(`no payload in ${JSON.stringify(response.body)}`);
  return payload;
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
const rowOf = async (table: 'users' | 'vendors' | 'addresses', id: string) =>
  JSON.stringify((await db.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0] ?? null);

beforeAll(async () => {
  platform = await bootPlatform();
  db = new pg.Client(poolConfigFromUrl(testDatabaseUrl('users')));
  await db.connect();
  const first = await signUp('Platform Admin');
  await db.query(`UPDATE users SET role = 'ADMIN' WHERE id = $1`, [first.userId]);
  const login = await logIn(first.email);
  admin = { ...first, accessToken: login.accessToken ?? '', refreshToken: login.refreshToken ?? '' };
  expect(claimsOf(admin.accessToken).role).toBe('ADMIN');
});
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

describe('profile and addresses', () => {
  it('updates the profile and manages addresses, all stored encrypted', async () => {
    const me = await signUp();
    const profile = await mutate(
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { user { name phone } userErrors { code field message } } }',
      { input: { name: 'Grace Hopper', phone: '+1 212 555 0100' } },
      me.accessToken,
    );
    expect(profile).toEqual({ user: { name: 'Grace Hopper', phone: '+12125550100' }, userErrors: [] });

    const add = (input: Record<string, unknown>) =>
      mutate(
        'mutation($input: AddressInput!) { addAddress(input: $input) { address { id label city countryCode isDefault } userErrors { code field message } } }',
        { input },
        me.accessToken,
      );
    const home = await add({ label: 'Home', recipientName: 'Grace Hopper', line1: '1 Navy Way', city: 'Arlington', postalCode: '22201', countryCode: 'us' });
    const work = await add({ label: 'Work', recipientName: 'Grace Hopper', line1: '2 Harbor St', city: 'Boston', postalCode: '02110', countryCode: 'US', isDefault: true });
    expect(home.userErrors).toEqual([]);
    expect(work).toMatchObject({ address: { label: 'Work', countryCode: 'US', isDefault: true }, userErrors: [] });

    const listed = await platform.gateway.data<{ me: { addresses: { label: string; isDefault: boolean }[] } }>(
      '{ me { addresses { label isDefault } } }',
      undefined,
      { token: me.accessToken },
    );
    expect(listed.me.addresses).toEqual([
      { label: 'Work', isDefault: true },
      { label: 'Home', isDefault: false },
    ]);

    const stored = await db.query<{ ciphertext: string }>('SELECT ciphertext FROM addresses WHERE user_id = $1', [me.userId]);
    expect(stored.rows).toHaveLength(2);
    for (const row of stored.rows) expect(row.ciphertext).not.toMatch(/Navy|Harbor|Arlington|Boston|Hopper/);
    const phone = await db.query<{ phone_encrypted: string | null }>('SELECT phone_encrypted FROM users WHERE id = $1', [me.userId]);
    expect(phone.rows[0]?.phone_encrypted).toMatch(/^v1\./);
    expect(phone.rows[0]?.phone_encrypted).not.toContain('5550100');

    const workId = (work.address as { id: string }).id;
    const deleted = await mutate(
      'mutation($input: DeleteAddressInput!) { deleteAddress(input: $input) { deletedAddressId userErrors { code } } }',
      { input: { id: workId } },
      me.accessToken,
    );
    expect(deleted).toEqual({ deletedAddressId: workId, userErrors: [] });
  });

  it("refuses invalid input and other people's addresses without changing anything", async () => {
    const owner = await signUp();
    const intruder = await signUp();
    const created = await mutate(
      'mutation($input: AddressInput!) { addAddress(input: $input) { address { id } userErrors { code } } }',
      { input: { recipientName: 'Owner', line1: '3 Elm St', city: 'Springfield', postalCode: '12345', countryCode: 'US' } },
      owner.accessToken,
    );
    const id = (created.address as { id: string }).id;
    const before = [await rowOf('addresses', id), await rowOf('users', owner.userId)];

    const stolen = await mutate(
      'mutation($input: UpdateAddressInput!) { updateAddress(input: $input) { address { id } userErrors { code field } } }',
      { input: { id, address: { recipientName: 'Thief', line1: '9 Elm St', city: 'Springfield', postalCode: '12345', countryCode: 'US' } } },
      intruder.accessToken,
    );
    expect(stolen).toEqual({ address: null, userErrors: [{ code: 'ADDRESS_NOT_FOUND', field: ['input', 'id'] }] });
    const invalid = await mutate(
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { user { id } userErrors { code field } } }',
      { input: { phone: 'call me maybe' } },
      owner.accessToken,
    );
    expect(invalid).toEqual({ user: null, userErrors: [{ code: 'VALIDATION_FAILED', field: ['input', 'phone'] }] });
    expect([await rowOf('addresses', id), await rowOf('users', owner.userId)]).toEqual(before);
  });

  it("keeps private fields private: another user's email is FORBIDDEN, the admin may read it", async () => {
    const someone = await signUp('Someone');
    const stranger = await signUp();
    const query = `{ user(id: "${someone.userId}") { name email } }`;
    const forbidden = await platform.gateway.request(query, undefined, { token: stranger.accessToken });
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asAdmin = await platform.gateway.data<{ user: { name: string; email: string } }>(query, undefined, { token: admin.accessToken });
    expect(asAdmin.user).toEqual({ name: 'Someone', email: someone.email });
  });
});

describe('admin: accounts', () => {
  it('lists and searches accounts with a connection', async () => {
    const tag = randomUUID().slice(0, 6);
    const found = await signUp(`Searchable ${tag}`);
    const data = await platform.gateway.data<{
      users: { totalCount: number; edges: { cursor: string; node: { id: string; email: string; status: string } }[]; pageInfo: { hasNextPage: boolean } };
    }>('query($s: String) { users(first: 10, search: $s) { totalCount edges { cursor node { id email status } } pageInfo { hasNextPage } } }', { s: tag.toUpperCase() }, {
      token: admin.accessToken,
    });
    expect(data.users.totalCount).toBe(1);
    expect(data.users.edges[0]?.node).toEqual({ id: found.userId, email: found.email, status: 'ACTIVE' });
    expect(data.users.pageInfo.hasNextPage).toBe(false);
  });

  it('a suspended account cannot log in or refresh until reactivated', async () => {
    const member = await signUp();
    const suspend = await mutate(
      'mutation($input: SuspendUserInput!) { suspendUser(input: $input) { user { id status } userErrors { code } } }',
      { input: { id: member.userId, reason: 'chargebacks' } },
      admin.accessToken,
    );
    expect(suspend).toEqual({ user: { id: member.userId, status: 'SUSPENDED' }, userErrors: [] });

    const before = await rowOf('users', member.userId);
    const login = await logIn(member.email);
    expect(login).toMatchObject({ accessToken: null, refreshToken: null });
    expect(login.userErrors.map((error) => error.code)).toEqual(['ACCOUNT_SUSPENDED']);
    const refreshed = await refresh(member.refreshToken);
    expect(refreshed.accessToken).toBeNull();
    expect(refreshed.userErrors.map((error) => error.code)).toEqual(['ACCOUNT_SUSPENDED']);
    expect(await rowOf('users', member.userId)).toBe(before);
    const open = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_token_families WHERE user_id = $1 AND revoked_at IS NULL', [
      member.userId,
    ]);
    expect(open.rows[0]?.n).toBe(0);

    const again = await mutate(
      'mutation($input: SuspendUserInput!) { suspendUser(input: $input) { user { id } userErrors { code } } }',
      { input: { id: member.userId } },
      admin.accessToken,
    );
    expect(again).toEqual({ user: null, userErrors: [{ code: 'ACCOUNT_ILLEGAL_TRANSITION' }] });
    const reactivate = await mutate(
      'mutation($input: ReactivateUserInput!) { reactivateUser(input: $input) { user { status } userErrors { code } } }',
      { input: { id: member.userId } },
      admin.accessToken,
    );
    expect(reactivate).toEqual({ user: { status: 'ACTIVE' }, userErrors: [] });
    expect((await logIn(member.email)).userErrors).toEqual([]);
  });
});

describe('admin mutations', () => {
  it('refuse customers and store owners with FORBIDDEN, changing nothing', async () => {
    const owner = await signUp('Pending Owner');
    const vendorOwner = await signUp('Approved Owner');
    const member = await signUp('Member');
    const suspended = await signUp('Suspended Member');
    const apply = async (session: Session) =>
      (
        await mutate(
          'mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id } userErrors { code } } }',
          { input: { name: 'Guarded Store', slug: `guarded-${randomUUID().slice(0, 8)}` } },
          session.accessToken,
        )
      ).vendor as { id: string };
    const pending = await apply(owner);
    const approved = await apply(vendorOwner);
    const asAdmin = (query: string, input: Record<string, unknown>) => mutate(query, { input }, admin.accessToken);
    expect((await asAdmin('mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { userErrors { code } } }', { id: approved.id })).userErrors).toEqual([]);
    expect((await asAdmin('mutation($input: SuspendUserInput!) { suspendUser(input: $input) { userErrors { code } } }', { id: suspended.userId })).userErrors).toEqual([]);

    const snapshot = async () => {
      const rows = [await rowOf('vendors', pending.id), await rowOf('vendors', approved.id)];
      for (const account of [owner, vendorOwner, member, suspended]) rows.push(await rowOf('users', account.userId));
      return rows;
    };
    const before = await snapshot();
    const attempts: [string, Record<string, unknown>][] = [
      ['mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { vendor { id } userErrors { code } } }', { id: pending.id }],
      ['mutation($input: RejectVendorInput!) { rejectVendor(input: $input) { vendor { id } userErrors { code } } }', { id: pending.id, reason: 'No.' }],
      ['mutation($input: SuspendVendorInput!) { suspendVendor(input: $input) { vendor { id } userErrors { code } } }', { id: approved.id, reason: 'No.' }],
      ['mutation($input: SuspendUserInput!) { suspendUser(input: $input) { user { id } userErrors { code } } }', { id: member.userId }],
      ['mutation($input: ReactivateUserInput!) { reactivateUser(input: $input) { user { id } userErrors { code } } }', { id: suspended.userId }],
    ];
    for (const caller of [member, owner, vendorOwner]) {
      for (const [query, input] of attempts) {
        const response = await platform.gateway.request(query, { input }, { token: caller.accessToken });
        expect(response.body.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
        expect(leaksInternals(response.body)).toBe(false);
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('stores', () => {
  const APPLY =
    'mutation($input: ApplyForVendorInput!) { applyForVendor(input: $input) { vendor { id slug status } userErrors { code field message } } }';
  const APPROVE = 'mutation($input: ApproveVendorInput!) { approveVendor(input: $input) { vendor { id status } userErrors { code } } }';

  it('apply → admin approves → the owner is a VENDOR for that store after a refresh', async () => {
    const owner = await signUp('Store Owner');
    const slug = `store-${randomUUID().slice(0, 8)}`;
    const applied = await mutate(APPLY, { input: { name: 'Owner Goods', slug, description: 'Handmade goods.' } }, owner.accessToken);
    expect(applied).toMatchObject({ vendor: { slug, status: 'PENDING' }, userErrors: [] });
    const vendorId = (applied.vendor as { id: string }).id;

    // Pending stores are hidden from the public.
    const hidden = await platform.gateway.data<{ vendor: unknown }>(`{ vendor(slug: "${slug}") { id } }`);
    expect(hidden.vendor).toBeNull();
    const approved = await mutate(APPROVE, { input: { id: vendorId } }, admin.accessToken);
    expect(approved).toEqual({ vendor: { id: vendorId, status: 'APPROVED' }, userErrors: [] });

    // The old access token still says CUSTOMER; the next refresh carries the store.
    expect(claimsOf(owner.accessToken)).toMatchObject({ role: 'CUSTOMER', vid: null });
    const refreshed = await refresh(owner.refreshToken);
    expect(refreshed.userErrors).toEqual([]);
    expect(refreshed.user?.role).toBe('VENDOR');
    expect(claimsOf(refreshed.accessToken ?? '')).toMatchObject({ sub: owner.userId, role: 'VENDOR', vid: vendorId });

    // Public now, and the catalog's half of the entity answers through the gateway too.
    const publicView = await platform.gateway.data<{ vendor: { id: string; name: string; status: string; products: { totalCount: number } } }>(
      `{ vendor(slug: "${slug}") { id name status products { totalCount } } }`,
    );
    expect(publicView.vendor).toEqual({ id: vendorId, name: 'Owner Goods', status: 'APPROVED', products: { totalCount: 0 } });
    const me = await platform.gateway.data<{ me: { role: string; vendor: { id: string } } }>('{ me { role vendor { id } } }', undefined, {
      token: refreshed.accessToken ?? '',
    });
    expect(me.me).toEqual({ role: 'VENDOR', vendor: { id: vendorId } });
  });

  it('refuses bad applications without writing anything', async () => {
    const owner = await signUp();
    const rival = await signUp();
    const slug = `taken-${randomUUID().slice(0, 8)}`;
    expect((await mutate(APPLY, { input: { name: 'First Store', slug } }, owner.accessToken)).userErrors).toEqual([]);
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vendors')).rows[0]?.n;
    const before = await count();

    const taken = await mutate(APPLY, { input: { name: 'Copy Store', slug } }, rival.accessToken);
    expect(taken).toMatchObject({ vendor: null, userErrors: [{ code: 'VENDOR_SLUG_TAKEN', field: ['input', 'slug'] }] });
    const badSlug = await mutate(APPLY, { input: { name: 'Bad Slug', slug: 'No Spaces!' } }, rival.accessToken);
    expect(badSlug).toMatchObject({ vendor: null, userErrors: [{ code: 'VALIDATION_FAILED', field: ['input', 'slug'] }] });
    const second = await mutate(APPLY, { input: { name: 'Second Store', slug: `other-${randomUUID().slice(0, 8)}` } }, owner.accessToken);
    expect(second).toMatchObject({ vendor: null, userErrors: [{ code: 'VENDOR_APPLICATION_EXISTS' }] });
    expect(await count()).toBe(before);

    const anonymous = await platform.gateway.request(APPLY, { input: { name: 'Anon Store', slug: `anon-${randomUUID().slice(0, 8)}` } });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await count()).toBe(before);
  });

  it('rejection shows its reason to the owner only', async () => {
    const owner = await signUp();
    const slug = `reject-${randomUUID().slice(0, 8)}`;
    const applied = await mutate(APPLY, { input: { name: 'Dubious Store', slug } }, owner.accessToken);
    const id = (applied.vendor as { id: string }).id;
    const rejected = await mutate(
      'mutation($input: RejectVendorInput!) { rejectVendor(input: $input) { vendor { status statusReason } userErrors { code } } }',
      { input: { id, reason: 'Incomplete tax details' } },
      admin.accessToken,
    );
    expect(rejected).toEqual({ vendor: { status: 'REJECTED', statusReason: 'Incomplete tax details' }, userErrors: [] });
    const ownerView = await platform.gateway.data<{ vendor: { statusReason: string } }>(`{ vendor(id: "${id}") { statusReason } }`, undefined, {
      token: owner.accessToken,
    });
    expect(ownerView.vendor.statusReason).toBe('Incomplete tax details');
    expect((await platform.gateway.data<{ vendor: unknown }>(`{ vendor(id: "${id}") { statusReason } }`)).vendor).toBeNull();
    const illegal = await mutate(APPROVE, { input: { id } }, admin.accessToken);
    expect(illegal).toEqual({ vendor: null, userErrors: [{ code: 'VENDOR_ILLEGAL_TRANSITION' }] });
  });
});
