import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';

let h: UsersHarness;
let admin: Viewer;
beforeAll(async () => {
  h = await createUsersHarness({
    scope: 'user',
  });
  admin = await h.createAccount({ role: 'ADMIN' });
});
afterAll(async () => {
  await h?.close();
});

const codeOf = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code;

describe('admin user list', () => {
  it('is for admins only', async () => {
    const customer = await h.createAccount();
    await expect(h.services.users.list(null, {})).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
    await expect(h.services.users.list(customer, {})).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
  });

  it('searches email and name case-insensitively, taking % and _ literally', async () => {
    const tag = randomUUID().slice(0, 8);
    await h.createAccount({ email: `zoe_${tag}@example.com` });
    await h.createAccount({ email: `zoex${tag}@example.com` });
    await h.prisma.user.updateMany({ where: { email: `zoex${tag}@example.com` }, data: { name: `Zoë 100% ${tag}` } });

    const underscore = await h.services.users.list(admin, { search: `ZOE_${tag}` });
    expect(underscore.edges.map((edge) => edge.node.email)).toEqual([`zoe_${tag}@example.com`]);
    const percent = await h.services.users.list(admin, { search: `100% ${tag.toUpperCase()}` });
    expect(percent.edges.map((edge) => edge.node.email)).toEqual([`zoex${tag}@example.com`]);
    expect((await h.services.users.list(admin, { search: `%${tag}` })).totalCount).toBe(0);
  });

  it('pages newest first without gaps or repeats, and validates `first`', async () => {
    const tag = randomUUID().slice(0, 8);
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push(await h.createAccount({ email: `page${i}-${tag}@example.com` }));
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 3; pages += 1) {
      const page: Awaited<ReturnType<typeof h.services.users.list>> = await h.services.users.list(admin, { search: tag, first: 2, after });
      expect(page.totalCount).toBe(5);
      seen.push(...page.edges.map((edge) => edge.node.id));
      after = page.pageInfo.endCursor;
      expect(page.pageInfo.hasNextPage).toBe(pages < 2);
    }
    expect(seen).toEqual(created.map((account) => account.userId).reverse());
    await expect(h.services.users.list(admin, { first: 101 })).rejects.toSatisfy((e) => codeOf(e) === 'BAD_USER_INPUT');
    await expect(h.services.users.list(admin, { after: 'garbage' })).rejects.toSatisfy((e) => codeOf(e) === 'BAD_USER_INPUT');
  });

  it('filters by status', async () => {
    const tag = randomUUID().slice(0, 8);
    const suspended = await h.createAccount({ email: `sus-${tag}@example.com` });
    await h.createAccount({ email: `act-${tag}@example.com` });
    expect((await h.services.users.suspend(admin, suspended.userId, 'spam')).ok).toBe(true);
    const page = await h.services.users.list(admin, { search: tag, status: 'SUSPENDED' });
    expect(page.edges.map((edge) => edge.node.id)).toEqual([suspended.userId]);
  });
});

describe('suspend and reactivate', () => {
  it('suspends (revoking every session) and reactivates', async () => {
    const account = await h.createAccount();
    for (let i = 0; i < 2; i += 1) {
      expect((await h.services.auth.logIn({ email: account.email, password: account.password }, '10.9.0.1')).ok).toBe(true);
    }
    const suspended = await h.services.users.suspend(admin, account.userId, ' abuse ');
    expect(suspended.ok && suspended.value.status).toBe('SUSPENDED');
    const families = await h.prisma.refreshTokenFamily.findMany({ where: { userId: account.userId } });
    expect(families).toHaveLength(2);
    expect(families.every((family) => family.revokedAt !== null)).toBe(true);
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } })).suspendedReason).toBe('abuse');

    const reactivated = await h.services.users.reactivate(admin, account.userId);
    expect(reactivated.ok && reactivated.value.status).toBe('ACTIVE');
    expect((await h.services.auth.logIn({ email: account.email, password: account.password }, '10.9.0.1')).ok).toBe(true);
  });

  it('refuses illegal moves, unknown accounts, self-suspension and non-admins', async () => {
    const account = await h.createAccount();
    const again = await h.services.users.reactivate(admin, account.userId);
    expect(!again.ok && again.errors[0]?.code).toBe('ACCOUNT_ILLEGAL_TRANSITION');
    const unknown = await h.services.users.suspend(admin, randomUUID(), null);
    expect(!unknown.ok && unknown.errors[0]?.code).toBe('USER_NOT_FOUND');
    const notUuid = await h.services.users.suspend(admin, 'nope', null);
    expect(!notUuid.ok && notUuid.errors[0]?.code).toBe('USER_NOT_FOUND');
    const self = await h.services.users.suspend(admin, admin.userId, null);
    expect(!self.ok && self.errors[0]?.code).toBe('ACCOUNT_ILLEGAL_TRANSITION');
    await expect(h.services.users.suspend(account, account.userId, null)).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } })).status).toBe('ACTIVE');
  });
});

describe('profile', () => {
  it('updates name and phone, storing the phone encrypted', async () => {
    const account = await h.createAccount();
    const result = await h.services.users.updateProfile(account, { name: 'Grace  Hopper', phone: '+1 (212) 555-0100' });
    expect(result.ok && result.value).toMatchObject({ name: 'Grace Hopper', phone: '+12125550100' });
    const row = await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } });
    expect(row.phoneEncrypted).toMatch(/^v1\./);
    expect(row.phoneEncrypted).not.toContain('5550100');
    const me = await h.services.users.me(account, h.loaders());
    expect(me?.phone).toBe('+12125550100');

    const cleared = await h.services.users.updateProfile(account, { phone: null });
    expect(cleared.ok && cleared.value.phone).toBeNull();
  });

  it('refuses invalid values and changes nothing', async () => {
    const account = await h.createAccount();
    const before = await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } });
    const result = await h.services.users.updateProfile(account, { name: '', phone: '12' });
    expect(!result.ok && result.errors.map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'phone'],
    ]);
    expect(await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } })).toEqual(before);
    await expect(h.services.users.updateProfile(null, { name: 'x' })).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
  });

  it('guards private fields: the account and admins only', async () => {
    const account = await h.createAccount();
    const other = await h.createAccount();
    const user = await h.services.users.byId(account.userId, h.loaders());
    if (!user) throw new Error('missing user');
    expect(() => h.services.users.assertCanSeePrivate(account, user)).not.toThrow();
    expect(() => h.services.users.assertCanSeePrivate(admin, user)).not.toThrow();
    expect(() => h.services.users.assertCanSeePrivate(other, user)).toThrow(/Only this account/);
    expect(() => h.services.users.assertCanSeePrivate(null, user)).toThrow(/Only this account/);
  });
});
