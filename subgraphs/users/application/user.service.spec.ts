import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { Connection } from '../../../platform/pagination/connection.ts';
import type { User } from '../domain/user.ts';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';

let h: UsersHarness;
let admin: Viewer;
beforeAll(async () => {
  h = await createUsersHarness({ scope: 'user' });
  admin = await h.createAccount({ role: 'ADMIN' });
});
afterAll(async () => {
  await h?.close();
});

const codeOf = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code;

describe('admin user list', () => {
  it('is for admins only', async () => {
    const customer = await h.createAccount();
    await expect(h.services.users.list(h.scope(), {})).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
    await expect(h.services.users.list(h.scope(customer), {})).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
  });

  it('searches email and name case-insensitively, taking % and _ literally', async () => {
    const tag = randomUUID().slice(0, 8);
    await h.createAccount({ email: `zoe_${tag}@example.com` });
    await h.createAccount({ email: `zoex${tag}@example.com` });
    await h.prisma.user.updateMany({ where: { email: `zoex${tag}@example.com` }, data: { name: `Zoë 100% ${tag}` } });

    const underscore = await h.services.users.list(h.scope(admin), { search: `ZOE_${tag}` });
    expect(underscore.edges.map((edge) => edge.node.email)).toEqual([`zoe_${tag}@example.com`]);
    const percent = await h.services.users.list(h.scope(admin), { search: `100% ${tag.toUpperCase()}` });
    expect(percent.edges.map((edge) => edge.node.email)).toEqual([`zoex${tag}@example.com`]);
    expect((await h.services.users.list(h.scope(admin), { search: `%${tag}` })).totalCount).toBe(0);
  });

  it('pages newest first without gaps or repeats, and validates `first`', async () => {
    const tag = randomUUID().slice(0, 8);
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push(await h.createAccount({ email: `page${i}-${tag}@example.com` }));
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 3; pages += 1) {
      const page: Connection<User> = await h.services.users.list(h.scope(admin), { search: tag, first: 2, after });
      expect(page.totalCount).toBe(5);
      expect(page.pageInfo.hasNextPage).toBe(pages < 2);
      seen.push(...page.edges.map((edge) => edge.node.id));
      expect(page.pageInfo.endCursor).toEqual(expect.any(String));
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(created.map((account) => account.userId).reverse());
    await expect(h.services.users.list(h.scope(admin), { first: 101 })).rejects.toSatisfy((e) => codeOf(e) === 'BAD_USER_INPUT');
    await expect(h.services.users.list(h.scope(admin), { after: 'garbage' })).rejects.toSatisfy((e) => codeOf(e) === 'BAD_USER_INPUT');
  });

  it('filters by status', async () => {
    const tag = randomUUID().slice(0, 8);
    const suspended = await h.createAccount({ email: `sus-${tag}@example.com` });
    await h.createAccount({ email: `act-${tag}@example.com` });
    expect((await h.services.users.suspend(h.scope(admin), { id: suspended.userId, reason: 'spam' })).ok).toBe(true);
    const page = await h.services.users.list(h.scope(admin), { search: tag, status: 'SUSPENDED' });
    expect(page.edges.map((edge) => edge.node.id)).toEqual([suspended.userId]);
  });
});

describe('suspend and reactivate', () => {
  it('suspends (revoking every session and its access tokens) and reactivates', async () => {
    const account = await h.createAccount();
    const accessTokens: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const login = await h.services.auth.logIn(h.scope(), { email: account.email, password: account.password });
      if (!login.ok) throw new Error('log-in failed');
      expect((await h.verifier.verify(login.value.accessToken)).userId).toBe(account.userId);
      accessTokens.push(login.value.accessToken);
    }
    const suspended = await h.services.users.suspend(h.scope(admin), { id: account.userId, reason: ' abuse ' });
    expect(suspended.ok && suspended.value.status).toBe('SUSPENDED');
    const families = await h.prisma.refreshTokenFamily.findMany({ where: { userId: account.userId } });
    expect(families).toHaveLength(2);
    expect(families.every((family) => family.revokedAt !== null)).toBe(true);
    for (const token of accessTokens) await expect(h.verifier.verify(token)).rejects.toMatchObject({ reason: 'revoked' });
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } })).suspendedReason).toBe('abuse');

    const reactivated = await h.services.users.reactivate(h.scope(admin), { id: account.userId });
    expect(reactivated.ok && reactivated.value.status).toBe('ACTIVE');
    expect((await h.services.auth.logIn(h.scope(), { email: account.email, password: account.password })).ok).toBe(true);
  });

  it('refuses illegal moves, unknown accounts and self-suspension, changing nothing', async () => {
    const account = await h.createAccount();
    const before = await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } });
    const again = await h.services.users.reactivate(h.scope(admin), { id: account.userId });
    expect(!again.ok && again.errors[0]?.code).toBe('ACCOUNT_ILLEGAL_TRANSITION');
    const unknown = await h.services.users.suspend(h.scope(admin), { id: randomUUID(), reason: null });
    expect(!unknown.ok && unknown.errors[0]).toMatchObject({ code: 'USER_NOT_FOUND', field: ['input', 'id'] });
    const notUuid = await h.services.users.suspend(h.scope(admin), { id: 'nope', reason: null });
    expect(!notUuid.ok && notUuid.errors[0]?.code).toBe('USER_NOT_FOUND');
    const self = await h.services.users.suspend(h.scope(admin), { id: admin.userId, reason: null });
    expect(!self.ok && self.errors[0]).toMatchObject({ code: 'ACCOUNT_ILLEGAL_TRANSITION', field: ['input', 'id'] });
    expect(await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } })).toEqual(before);
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: admin.userId } })).status).toBe('ACTIVE');
  });

  it('refuses non-admins with FORBIDDEN and leaves the target as it was', async () => {
    const active = await h.createAccount();
    const suspended = await h.createAccount();
    expect((await h.services.users.suspend(h.scope(admin), { id: suspended.userId, reason: 'spam' })).ok).toBe(true);
    const customer = await h.createAccount();
    const rows = () => h.prisma.user.findMany({ where: { id: { in: [active.userId, suspended.userId] } }, orderBy: { id: 'asc' } });
    const before = await rows();

    await expect(h.services.users.suspend(h.scope(customer), { id: active.userId, reason: null })).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
    await expect(h.services.users.suspend(h.scope(active), { id: active.userId, reason: null })).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
    await expect(h.services.users.reactivate(h.scope(customer), { id: suspended.userId })).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
    await expect(h.services.users.reactivate(h.scope(null), { id: suspended.userId })).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
    expect(await rows()).toEqual(before);
  });
});

describe('profile', () => {
  it('updates name and phone, storing the phone encrypted', async () => {
    const account = await h.createAccount();
    const result = await h.services.users.updateProfile(h.scope(account), { name: 'Grace  Hopper', phone: '+1 (212) 555-0100' });
    expect(result.ok && result.value).toMatchObject({ name: 'Grace Hopper', phone: '+12125550100' });
    const row = await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } });
    expect(row.phoneEncrypted).toMatch(/^v1\./);
    expect(row.phoneEncrypted).not.toContain('5550100');
    const me = await h.services.users.me(h.scope(account));
    expect(me?.phone).toBe('+12125550100');

    const cleared = await h.services.users.updateProfile(h.scope(account), { phone: null });
    expect(cleared.ok && cleared.value.phone).toBeNull();
  });

  it('refuses invalid values and changes nothing', async () => {
    const account = await h.createAccount();
    const before = await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } });
    const result = await h.services.users.updateProfile(h.scope(account), { name: '', phone: '12' });
    expect(!result.ok && result.errors.map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'phone'],
    ]);
    expect(await h.prisma.user.findUniqueOrThrow({ where: { id: account.userId } })).toEqual(before);
    await expect(h.services.users.updateProfile(h.scope(null), { name: 'x' })).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
  });

  it('guards private fields: the account and admins only', async () => {
    const account = await h.createAccount();
    const other = await h.createAccount();
    const user = await h.services.users.byId(h.scope(), account.userId);
    if (!user) throw new Error('missing user');
    expect(h.services.users.privateProfile(h.scope(account), user)).toBe(user);
    expect(h.services.users.privateProfile(h.scope(admin), user)).toBe(user);
    for (const viewer of [other, null]) {
      expect(() => h.services.users.privateProfile(h.scope(viewer), user)).toThrow(/Only this account/);
    }
  });
});
