import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { Connection } from '../../../platform/pagination/connection.ts';
import { createPrismaAdapter } from '../../../platform/prisma/pg-adapter.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';
import { PrismaClient } from '../__generated__/prisma/client.ts';
import type { Vendor } from '../domain/vendor.ts';
import { createVendorCache } from '../infra/vendor-cache.ts';
import { createVendorRepository } from '../infra/vendor.repository.ts';
import { outboxEntry } from '../../../platform/messaging/outbox.ts';
import { vendorSuspendedV1 } from '../../../contracts/vendor.ts';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';
import { createUsersLoaders } from './loaders.ts';
import { createUsersApp } from './services.ts';

let h: UsersHarness;
let admin: Viewer;
beforeAll(async () => {
  h = await createUsersHarness({ scope: 'vendor' });
  admin = await h.createAccount({ role: 'ADMIN' });
});
afterAll(async () => {
  await h?.close();
});

const codeOf = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code;
const slug = () => `shop-${randomUUID().slice(0, 8)}`;
const value = <T>(result: { ok: true; value: T } | { ok: false }): T => {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result.value;
};
const errorCodes = (result: { ok: boolean; errors?: { code: string }[] }) => (result.ok ? [] : (result.errors ?? []).map((e) => e.code));
const apply = async (name: string, owner?: Viewer) =>
  value(await h.services.vendors.apply(h.scope(owner ?? (await h.createAccount())), { name, slug: slug() }));
const approvedStores = async (count: number, prefix: string): Promise<Vendor[]> => {
  const stores = [];
  for (let i = 0; i < count; i += 1) {
    const store = await apply(`${prefix} ${i}`);
    stores.push(value(await h.services.vendors.approve(h.scope(admin), { id: store.id })));
  }
  return stores;
};
const storeRow = (id: string) => h.prisma.vendor.findUniqueOrThrow({ where: { id }, include: { owner: { select: { role: true } } } });

describe('applying for a store', () => {
  it('creates a PENDING store for the applicant, visible only to them and admins', async () => {
    const owner = await h.createAccount();
    const stranger = await h.createAccount();
    const store = value(await h.services.vendors.apply(h.scope(owner), { name: 'Green Leaf', slug: ` ${slug().toUpperCase()} `, description: 'Tea.' }));
    expect(store).toMatchObject({ status: 'PENDING', ownerId: owner.userId, description: 'Tea.' });
    expect(store.slug).toMatch(/^shop-[0-9a-f]{8}$/);
    for (const [viewer, visible] of [
      [owner, true],
      [admin, true],
      [stranger, false],
      [null, false],
    ] as const) {
      expect(await h.services.vendors.find(h.scope(viewer), { slug: store.slug })).toEqual(visible ? store : null);
      expect(await h.services.vendors.find(h.scope(viewer), { id: store.id })).toEqual(visible ? store : null);
    }
  });

  it('looks a store up by exactly one of id or slug', async () => {
    await expect(h.services.vendors.find(h.scope(), {})).rejects.toSatisfy((e) => codeOf(e) === 'BAD_USER_INPUT');
    await expect(h.services.vendors.find(h.scope(), { id: randomUUID(), slug: 'x' })).rejects.toSatisfy((e) => codeOf(e) === 'BAD_USER_INPUT');
    expect(await h.services.vendors.find(h.scope(), { id: 'not-a-uuid' })).toBeNull();
    expect(await h.services.vendors.find(h.scope(), { slug: 'no-such-store' })).toBeNull();
  });

  it('refuses a second store, a taken slug and invalid input, writing nothing', async () => {
    const owner = await h.createAccount();
    const other = await h.createAccount();
    const taken = slug();
    value(await h.services.vendors.apply(h.scope(owner), { name: 'First', slug: taken }));
    expect(errorCodes(await h.services.vendors.apply(h.scope(owner), { name: 'Second', slug: slug() }))).toEqual(['VENDOR_APPLICATION_EXISTS']);
    expect(errorCodes(await h.services.vendors.apply(h.scope(other), { name: 'Copycat', slug: taken }))).toEqual(['VENDOR_SLUG_TAKEN']);
    const invalid = await h.services.vendors.apply(h.scope(other), { name: 'X', slug: 'Bad Slug!' });
    expect(!invalid.ok && invalid.errors.map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'slug'],
    ]);
    expect(await h.prisma.vendor.count({ where: { ownerId: { in: [owner.userId, other.userId] } } })).toBe(1);
    await expect(h.services.vendors.apply(h.scope(null), { name: 'Anon', slug: slug() })).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
  });

  it('lets the database settle two applicants racing for one slug', async () => {
    const [a, b] = [await h.createAccount(), await h.createAccount()];
    const contested = slug();
    const results = await Promise.all([
      h.services.vendors.apply(h.scope(a), { name: 'Racer A', slug: contested }),
      h.services.vendors.apply(h.scope(b), { name: 'Racer B', slug: contested }),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.flatMap(errorCodes)).toEqual(['VENDOR_SLUG_TAKEN']);
  });

  it('lets the database settle one applicant racing two applications', async () => {
    const owner = await h.createAccount();
    const results = await Promise.all([
      h.services.vendors.apply(h.scope(owner), { name: 'Twin A', slug: slug() }),
      h.services.vendors.apply(h.scope(owner), { name: 'Twin B', slug: slug() }),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.flatMap(errorCodes)).toEqual(['VENDOR_APPLICATION_EXISTS']);
  });
});

describe('reviewing stores', () => {
  it('approval makes the owner a VENDOR scoped to the store from their next refresh; suspension ends it at once', async () => {
    const owner = await h.createAccount();
    const login = value(await h.services.auth.logIn(h.scope(), { email: owner.email, password: owner.password }));
    const store = await apply('Atlas Audio', owner);

    expect(value(await h.services.vendors.approve(h.scope(admin), { id: store.id })).status).toBe('APPROVED');
    expect(await h.verifier.verify(login.accessToken)).toMatchObject({ role: 'CUSTOMER', vendorId: null });
    const refreshed = value(await h.services.auth.refresh(h.scope(), { refreshToken: login.refreshToken }));
    expect(await h.verifier.verify(refreshed.accessToken)).toEqual({ userId: owner.userId, role: 'VENDOR', vendorId: store.id });
    expect(refreshed.user.role).toBe('VENDOR');

    // Suspension takes vendor rights back at once: the store's tokens end, a refresh gives a customer's.
    const suspended = value(await h.services.vendors.suspend(h.scope(admin), { id: store.id, reason: 'unpaid fees' }));
    expect(suspended).toMatchObject({ status: 'SUSPENDED', statusReason: 'unpaid fees' });
    await expect(h.verifier.verify(refreshed.accessToken)).rejects.toMatchObject({ reason: 'revoked' });
    const demoted = value(await h.services.auth.refresh(h.scope(), { refreshToken: refreshed.refreshToken }));
    expect(await h.verifier.verify(demoted.accessToken)).toEqual({ userId: owner.userId, role: 'CUSTOMER', vendorId: null });
    expect(await h.services.vendors.find(h.scope(), { id: store.id })).toBeNull();
    // Approval again restores them, in tokens signed after the suspension's second and its margin.
    value(await h.services.vendors.approve(h.scope(admin), { id: store.id }));
    h.clock.advance(2_000);
    try {
      const restored = value(await h.services.auth.refresh(h.scope(), { refreshToken: demoted.refreshToken }));
      expect(await h.verifier.verify(restored.accessToken)).toMatchObject({ role: 'VENDOR', vendorId: store.id });
    } finally {
      h.clock.advance(-2_000);
    }
  });

  it('refuses reviews by anyone but an admin, leaving the store and its owner as they were', async () => {
    const owner = await h.createAccount();
    const pending = await apply('Pending Review', owner);
    const [approved] = await approvedStores(1, 'Under Watch');
    if (!approved) throw new Error('no store');
    const before = [await storeRow(pending.id), await storeRow(approved.id)];

    for (const caller of [owner, await h.createAccount(), null]) {
      const refused = caller ? 'FORBIDDEN' : 'UNAUTHENTICATED';
      await expect(h.services.vendors.approve(h.scope(caller), { id: pending.id })).rejects.toSatisfy((e) => codeOf(e) === refused);
      await expect(h.services.vendors.reject(h.scope(caller), { id: pending.id, reason: 'No' })).rejects.toSatisfy((e) => codeOf(e) === refused);
      await expect(h.services.vendors.suspend(h.scope(caller), { id: approved.id, reason: 'No' })).rejects.toSatisfy((e) => codeOf(e) === refused);
    }
    expect([await storeRow(pending.id), await storeRow(approved.id)]).toEqual(before);
  });

  it('rejection needs a reason, shows it to the owner only, frees the slug and allows a new application', async () => {
    const owner = await h.createAccount();
    const stranger = await h.createAccount();
    const wanted = slug();
    const store = value(await h.services.vendors.apply(h.scope(owner), { name: 'Paper & Pine', slug: wanted }));
    const noReason = await h.services.vendors.reject(h.scope(admin), { id: store.id, reason: '  ' });
    expect(!noReason.ok && noReason.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: ['input', 'reason'] });
    expect((await h.prisma.vendor.findUniqueOrThrow({ where: { id: store.id } })).status).toBe('PENDING');

    const rejected = value(await h.services.vendors.reject(h.scope(admin), { id: store.id, reason: 'Photos missing' }));
    expect(h.services.vendors.statusReason(h.scope(owner), rejected)).toBe('Photos missing');
    expect(h.services.vendors.statusReason(h.scope(stranger), rejected)).toBeNull();
    expect(h.services.vendors.statusReason(h.scope(null), rejected)).toBeNull();

    const retry = value(await h.services.vendors.apply(h.scope(owner), { name: 'Paper & Pine', slug: wanted }));
    expect(retry.id).not.toBe(store.id);
    const user = await h.services.users.byId(h.scope(), owner.userId);
    if (!user) throw new Error('missing user');
    expect((await h.services.vendors.ownedBy(h.scope(owner), user))?.id).toBe(retry.id);
    await expect(h.services.vendors.ownedBy(h.scope(stranger), user)).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
  });

  it('refuses moves the table forbids, and unknown stores', async () => {
    const owner = await h.createAccount();
    const store = await apply('Riverstone', owner);
    value(await h.services.vendors.reject(h.scope(admin), { id: store.id, reason: 'Not a fit' }));
    expect(errorCodes(await h.services.vendors.approve(h.scope(admin), { id: store.id }))).toEqual(['VENDOR_ILLEGAL_TRANSITION']);
    expect(errorCodes(await h.services.vendors.suspend(h.scope(admin), { id: store.id, reason: null }))).toEqual(['VENDOR_ILLEGAL_TRANSITION']);
    const unknown = await h.services.vendors.approve(h.scope(admin), { id: randomUUID() });
    expect(!unknown.ok && unknown.errors).toEqual([expect.objectContaining({ code: 'VENDOR_NOT_FOUND', field: ['input', 'id'] })]);
    expect((await h.prisma.vendor.findUniqueOrThrow({ where: { id: store.id } })).status).toBe('REJECTED');
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: owner.userId } })).role).toBe('CUSTOMER');
  });
});

describe('listing stores', () => {
  /** Every page after the first continues from the previous page's end cursor, which must be there. */
  async function collect(viewer: Viewer | null, status: 'PENDING' | 'APPROVED' | null, first: number) {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Connection<Vendor> = await h.services.vendors.list(h.scope(viewer), { first, after, status });
      ids.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) return { ids, totalCount: page.totalCount };
      expect(page.pageInfo.endCursor).toEqual(expect.any(String));
      after = page.pageInfo.endCursor;
    }
  }

  it('shows the public approved stores only, and admins any status', async () => {
    const owner = await h.createAccount();
    const pending = await apply('AAA Pending', owner);
    const [approved] = await approvedStores(1, 'AAA Approved');
    if (!approved) throw new Error('no store');

    const publicList = await collect(null, null, 100);
    expect(publicList.ids).toContain(approved.id);
    expect(publicList.ids).not.toContain(pending.id);
    expect(publicList.totalCount).toBe(publicList.ids.length);
    const pendingList = await collect(admin, 'PENDING', 100);
    expect(pendingList.ids).toContain(pending.id);
    expect(pendingList.ids).not.toContain(approved.id);
    await expect(h.services.vendors.list(h.scope(owner), { status: 'PENDING' })).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
  });

  it('pages by name without repeats', async () => {
    const tag = randomUUID().slice(0, 4);
    const tagged = [];
    for (const name of ['Beta', 'Alpha', 'Gamma']) {
      const store = await apply(`ZZ ${name} ${tag}`);
      tagged.push(value(await h.services.vendors.approve(h.scope(admin), { id: store.id })));
    }
    const { ids } = await collect(null, null, 2);
    expect(new Set(ids).size).toBe(ids.length);
    const positions = tagged.map((store) => ids.indexOf(store.id));
    expect(positions.every((position) => position >= 0)).toBe(true);
    // Alpha, Beta, Gamma by name.
    expect([positions[1], positions[0], positions[2]]).toEqual([...positions].sort((a, b) => a - b));
  });
});

describe('vendor references', () => {
  it('batches 20 references into one repository read, in the order asked', async () => {
    const stores = [];
    for (let i = 0; i < 20; i += 1) stores.push(await apply(`Batch ${i}`));
    const scope = h.scope();
    const reads = h.reads.vendorIds.length;
    const shuffled = [...stores].reverse();
    const resolved = await Promise.all(shuffled.map((store) => h.services.vendors.resolveReference(scope, store.id)));
    expect(h.reads.vendorIds.slice(reads)).toHaveLength(1);
    expect(resolved.map((store) => store?.id)).toEqual(shuffled.map((store) => store.id));
    expect(await h.services.vendors.resolveReference(scope, randomUUID())).toBeNull();
    expect(await h.services.vendors.resolveReference(scope, 'not-a-uuid')).toBeNull();
  });

  it('costs one SQL query for a page of 20 references', async () => {
    const ids = [];
    for (let i = 0; i < 20; i += 1) ids.push((await apply(`Counted ${i}`)).id);
    const counted = new PrismaClient({ adapter: createPrismaAdapter(testDatabaseUrl('users'), 2), log: [{ emit: 'event', level: 'query' }] });
    const queries: string[] = [];
    counted.$on('query', (event) => queries.push(event.query));
    try {
      const loaders = createUsersLoaders({ ...h.deps, vendors: createVendorRepository(counted) });
      await counted.$connect();
      const scope = { ...h.scope(), loaders };
      const resolved = await Promise.all(ids.map((id) => h.services.vendors.resolveReference(scope, id)));
      expect(resolved.every((store) => store !== null)).toBe(true);
      expect(queries).toHaveLength(1);
      expect(queries[0]).toMatch(/SELECT .* FROM "public"\."vendors" WHERE "public"\."vendors"\."id" IN/s);
    } finally {
      await counted.$disconnect();
    }
  });
});

describe('vendor cache (Redis)', () => {
  /** The batches read from Postgres while `run` resolves references. */
  async function readsDuring(run: () => Promise<unknown>): Promise<string[][]> {
    const before = h.reads.vendorIds.length;
    await run();
    return h.reads.vendorIds.slice(before);
  }
  const resolveAll = (ids: string[]) => {
    const scope = h.scope();
    return Promise.all(ids.map((id) => h.services.vendors.resolveReference(scope, id)));
  };

  it('answers the next request references from Redis, reading Postgres only for the misses', async () => {
    const stores = await approvedStores(3, 'Cached');
    const [first, second, third] = stores as [Vendor, Vendor, Vendor];
    expect(await readsDuring(() => resolveAll([first.id, second.id]))).toHaveLength(1);
    expect(await h.redis.ttl(`vendor:id:${first.id}`)).toBeGreaterThan(0);
    expect(await h.redis.ttl(`vendor:id:${first.id}`)).toBeLessThanOrEqual(60);

    let resolved: (Vendor | null)[] = [];
    // One batch; only the store not seen before went to Postgres.
    expect(await readsDuring(async () => (resolved = await resolveAll(stores.map((store) => store.id))))).toEqual([[third.id]]);
    expect(resolved).toEqual(stores);
    expect(resolved[0]?.createdAt).toBeInstanceOf(Date);
    expect(resolved[0]?.decidedAt).toBeInstanceOf(Date);
    expect(await readsDuring(() => resolveAll(stores.map((store) => store.id)))).toEqual([]);
  });

  it('drops the entry on every status change, so references see the new status at once', async () => {
    const [store] = await approvedStores(1, 'Status');
    const id = (store as Vendor).id;
    const status = async () => (await h.services.vendors.resolveReference(h.scope(), id))?.status;
    expect(await status()).toBe('APPROVED');
    expect(await h.redis.exists(`vendor:id:${id}`)).toBe(1);
    value(await h.services.vendors.suspend(h.scope(admin), { id, reason: 'Counterfeits' }));
    expect(await h.redis.exists(`vendor:id:${id}`)).toBe(0);
    expect(await status()).toBe('SUSPENDED');
    value(await h.services.vendors.approve(h.scope(admin), { id }));
    expect(await status()).toBe('APPROVED');

    const pending = await apply('To Reject');
    expect((await h.services.vendors.resolveReference(h.scope(), pending.id))?.status).toBe('PENDING');
    value(await h.services.vendors.reject(h.scope(admin), { id: pending.id, reason: 'Incomplete' }));
    expect((await h.services.vendors.resolveReference(h.scope(), pending.id))?.status).toBe('REJECTED');
  });

  it('does not cache unknown ids: every request asks Postgres again', async () => {
    const unknown = randomUUID();
    for (let request = 0; request < 2; request += 1) {
      let resolved: (Vendor | null)[] = [null];
      expect(await readsDuring(async () => (resolved = await resolveAll([unknown])))).toEqual([[unknown]]);
      expect(resolved).toEqual([null]);
    }
    expect(await h.redis.exists(`vendor:id:${unknown}`)).toBe(0);
  });

  it('ignores an entry it cannot read and falls back to Postgres', async () => {
    const [store] = await approvedStores(1, 'Garbled');
    const id = (store as Vendor).id;
    await h.redis.set(`vendor:id:${id}`, '{garbled', 'EX', 60);
    let resolved: (Vendor | null)[] = [];
    expect(await readsDuring(async () => (resolved = await resolveAll([id])))).toEqual([[id]]);
    expect(resolved[0]?.id).toBe(id);
  });

  it('resolves references and changes stores straight from Postgres when Redis is down', async () => {
    const down = createUsersApp({ ...h.deps, vendorCache: createVendorCache(h.deadRedis, 60, h.logger) });
    const [store] = await approvedStores(1, 'Outage');
    const id = (store as Vendor).id;
    const started = Date.now();
    const reads = await readsDuring(async () => {
      expect((await down.services.vendors.resolveReference(down.scopeFor(h.request()), id))?.status).toBe('APPROVED');
    });
    expect(reads).toEqual([[id]]);
    expect(value(await down.services.vendors.suspend(down.scopeFor(h.request(admin)), { id, reason: null })).status).toBe('SUSPENDED');
    expect((await down.services.vendors.resolveReference(down.scopeFor(h.request()), id))?.status).toBe('SUSPENDED');
    // Fails fast (no offline queue): an outage must not slow every reference to a crawl.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('vendor status events (issue 9 point 8)', () => {
  const eventsFor = (vendorId: string) =>
    h.prisma.$queryRaw<{ type: string; version: number; correlation_id: string; payload: { vendorId: string; reason: string | null; changedBy: string }; published_at: Date | null }[]>`
      SELECT type, version, correlation_id, payload, published_at FROM outbox_message WHERE payload->>'vendorId' = ${vendorId} ORDER BY occurred_at, id`;

  it('writes vendor.suspended and vendor.reinstated to the outbox with the status change; approving an application announces nothing', async () => {
    const [store] = await approvedStores(1, 'Announced');
    const id = store!.id;
    expect(await eventsFor(id)).toEqual([]);
    const request = h.scope(admin);
    value(await h.services.vendors.suspend(request, { id, reason: 'Counterfeits' }));
    value(await h.services.vendors.approve(h.scope(admin), { id }));
    const events = await eventsFor(id);
    expect(events).toEqual([
      { type: 'vendor.suspended', version: 1, correlation_id: request.requestId, payload: { vendorId: id, reason: 'Counterfeits', changedBy: admin.userId }, published_at: null },
      { type: 'vendor.reinstated', version: 1, correlation_id: expect.any(String), payload: { vendorId: id, reason: null, changedBy: admin.userId }, published_at: null },
    ]);
  });

  it('keeps the status change and its event together: an event that cannot be written undoes the change', async () => {
    const [store] = await approvedStores(1, 'Atomic');
    const id = store!.id;
    const repository = createVendorRepository(h.prisma);
    // A payload its contract refuses makes the outbox write throw inside the transaction.
    const broken = outboxEntry(vendorSuspendedV1, { vendorId: 'not-a-uuid', reason: null, changedBy: admin.userId }, 'req-broken');
    await expect(
      repository.changeStatus(id, { from: 'APPROVED', to: 'SUSPENDED', reason: null, decidedBy: admin.userId, at: new Date(), ownerRole: (role) => role, announce: broken }),
    ).rejects.toThrow();
    expect((await storeRow(id)).status).toBe('APPROVED');
    expect(await eventsFor(id)).toEqual([]);
  });
});
