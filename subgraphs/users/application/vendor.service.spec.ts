import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';
import { createPrismaAdapter } from '../../../platform/prisma/pg-adapter.ts';
import { PrismaClient } from '../__generated__/prisma/client.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import { createRedis, type Redis } from '../../../platform/redis/redis.ts';
import { createVendorCache } from '../infra/vendor-cache.ts';
import { createVendorRepository } from '../infra/vendor.repository.ts';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';
import { createLoaders } from './loaders.ts';
import { createVendorService } from './vendor.service.ts';

let h: UsersHarness;
let admin: Viewer;
beforeAll(async () => {
  h = await createUsersHarness({
    scope: 'vendor',
  });
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

describe('applying for a store', () => {
  it('creates a PENDING store for the applicant, visible only to them and admins', async () => {
    const owner = await h.createAccount();
    const stranger = await h.createAccount();
    const store = value(await h.services.vendors.apply(owner, { name: 'Green Leaf', slug: ` ${slug().toUpperCase()} `, description: 'Tea.' }));
    expect(store).toMatchObject({ status: 'PENDING', ownerId: owner.userId, description: 'Tea.' });
    expect(store.slug).toMatch(/^shop-[0-9a-f]{8}$/);
    for (const [viewer, visible] of [
      [owner, true],
      [admin, true],
      [stranger, false],
      [null, false],
    ] as const) {
      expect(await h.services.vendors.find(viewer, { slug: store.slug }, h.loaders())).toEqual(visible ? store : null);
      expect(await h.services.vendors.find(viewer, { id: store.id }, h.loaders())).toEqual(visible ? store : null);
    }
  });

  it('looks a store up by exactly one of id or slug', async () => {
    await expect(h.services.vendors.find(null, {}, h.loaders())).rejects.toSatisfy((e) => codeOf(e) === 'BAD_USER_INPUT');
    await expect(h.services.vendors.find(null, { id: randomUUID(), slug: 'x' }, h.loaders())).rejects.toSatisfy(
      (e) => codeOf(e) === 'BAD_USER_INPUT',
    );
    expect(await h.services.vendors.find(null, { id: 'not-a-uuid' }, h.loaders())).toBeNull();
    expect(await h.services.vendors.find(null, { slug: 'no-such-store' }, h.loaders())).toBeNull();
  });

  it('refuses a second store, a taken slug and invalid input, writing nothing', async () => {
    const owner = await h.createAccount();
    const other = await h.createAccount();
    const taken = slug();
    value(await h.services.vendors.apply(owner, { name: 'First', slug: taken }));
    expect(errorCodes(await h.services.vendors.apply(owner, { name: 'Second', slug: slug() }))).toEqual(['VENDOR_APPLICATION_EXISTS']);
    expect(errorCodes(await h.services.vendors.apply(other, { name: 'Copycat', slug: taken }))).toEqual(['VENDOR_SLUG_TAKEN']);
    const invalid = await h.services.vendors.apply(other, { name: 'X', slug: 'Bad Slug!' });
    expect(!invalid.ok && invalid.errors.map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'slug'],
    ]);
    expect(await h.prisma.vendor.count({ where: { ownerId: other.userId } })).toBe(0);
    await expect(h.services.vendors.apply(null, { name: 'Anon', slug: slug() })).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
  });

  it('lets the database settle two applicants racing for one slug', async () => {
    const [a, b] = [await h.createAccount(), await h.createAccount()];
    const contested = slug();
    const results = await Promise.all([
      h.services.vendors.apply(a, { name: 'Racer A', slug: contested }),
      h.services.vendors.apply(b, { name: 'Racer B', slug: contested }),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.flatMap(errorCodes)).toEqual(['VENDOR_SLUG_TAKEN']);
  });
});

describe('reviewing stores', () => {
  it('approval makes the owner a VENDOR scoped to the store from their next refresh', async () => {
    const owner = await h.createAccount();
    const login = value(await h.services.auth.logIn({ email: owner.email, password: owner.password }, '10.7.0.1'));
    const store = value(await h.services.vendors.apply(owner, { name: 'Atlas Audio', slug: slug() }));
    await expect(h.services.vendors.approve(owner, store.id)).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');

    expect(value(await h.services.vendors.approve(admin, store.id)).status).toBe('APPROVED');
    expect(await h.verifier.verify(login.accessToken)).toMatchObject({ role: 'CUSTOMER', vendorId: null });
    const refreshed = value(await h.services.auth.refresh(login.refreshToken));
    expect(await h.verifier.verify(refreshed.accessToken)).toEqual({ userId: owner.userId, role: 'VENDOR', vendorId: store.id });
    expect(refreshed.user.role).toBe('VENDOR');

    // Suspension takes vendor rights back; approval again restores them.
    const suspended = value(await h.services.vendors.suspend(admin, store.id, 'unpaid fees'));
    expect(suspended).toMatchObject({ status: 'SUSPENDED', statusReason: 'unpaid fees' });
    const demoted = value(await h.services.auth.refresh(refreshed.refreshToken));
    expect(await h.verifier.verify(demoted.accessToken)).toEqual({ userId: owner.userId, role: 'CUSTOMER', vendorId: null });
    expect(await h.services.vendors.find(null, { id: store.id }, h.loaders())).toBeNull();
    value(await h.services.vendors.approve(admin, store.id));
    const restored = value(await h.services.auth.refresh(demoted.refreshToken));
    expect(await h.verifier.verify(restored.accessToken)).toMatchObject({ role: 'VENDOR', vendorId: store.id });
  });

  it('rejection needs a reason, shows it to the owner only, frees the slug and allows a new application', async () => {
    const owner = await h.createAccount();
    const stranger = await h.createAccount();
    const wanted = slug();
    const store = value(await h.services.vendors.apply(owner, { name: 'Paper & Pine', slug: wanted }));
    const noReason = await h.services.vendors.reject(admin, store.id, '  ');
    expect(!noReason.ok && noReason.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: ['reason'] });
    expect((await h.prisma.vendor.findUniqueOrThrow({ where: { id: store.id } })).status).toBe('PENDING');

    const rejected = value(await h.services.vendors.reject(admin, store.id, 'Photos missing'));
    expect(h.services.vendors.statusReason(owner, rejected)).toBe('Photos missing');
    expect(h.services.vendors.statusReason(stranger, rejected)).toBeNull();
    expect(h.services.vendors.statusReason(null, rejected)).toBeNull();

    const retry = value(await h.services.vendors.apply(owner, { name: 'Paper & Pine', slug: wanted }));
    expect(retry.id).not.toBe(store.id);
    const user = await h.services.users.byId(owner.userId, h.loaders());
    if (!user) throw new Error('missing user');
    expect((await h.services.vendors.ownedBy(owner, user, h.loaders()))?.id).toBe(retry.id);
    await expect(h.services.vendors.ownedBy(stranger, user, h.loaders())).rejects.toThrow(/Only this account/);
  });

  it('refuses moves the table forbids, and unknown stores', async () => {
    const owner = await h.createAccount();
    const store = value(await h.services.vendors.apply(owner, { name: 'Riverstone', slug: slug() }));
    value(await h.services.vendors.reject(admin, store.id, 'Not a fit'));
    expect(errorCodes(await h.services.vendors.approve(admin, store.id))).toEqual(['VENDOR_ILLEGAL_TRANSITION']);
    expect(errorCodes(await h.services.vendors.suspend(admin, store.id, null))).toEqual(['VENDOR_ILLEGAL_TRANSITION']);
    expect(errorCodes(await h.services.vendors.approve(admin, randomUUID()))).toEqual(['VENDOR_NOT_FOUND']);
    expect((await h.prisma.vendor.findUniqueOrThrow({ where: { id: store.id } })).status).toBe('REJECTED');
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: owner.userId } })).role).toBe('CUSTOMER');
  });
});

describe('listing stores', () => {
  it('shows the public approved stores only, and admins any status', async () => {
    const owner = await h.createAccount();
    const pending = value(await h.services.vendors.apply(owner, { name: 'AAA Pending', slug: slug() }));
    const approvedOwner = await h.createAccount();
    const approved = value(await h.services.vendors.apply(approvedOwner, { name: 'AAA Approved', slug: slug() }));
    value(await h.services.vendors.approve(admin, approved.id));

    const collect = async (viewer: Viewer | null, status: 'PENDING' | 'APPROVED' | null) => {
      const ids: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: Awaited<ReturnType<typeof h.services.vendors.list>> = await h.services.vendors.list(viewer, { first: 100, after, status });
        ids.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) return { ids, totalCount: page.totalCount };
        after = page.pageInfo.endCursor;
      }
    };
    const publicList = await collect(null, null);
    expect(publicList.ids).toContain(approved.id);
    expect(publicList.ids).not.toContain(pending.id);
    expect(publicList.totalCount).toBe(publicList.ids.length);
    expect((await collect(admin, 'PENDING')).ids).toContain(pending.id);
    expect((await collect(admin, 'PENDING')).ids).not.toContain(approved.id);
    await expect(h.services.vendors.list(owner, { status: 'PENDING' })).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
  });

  it('pages by name without repeats', async () => {
    const tagged = [];
    for (const name of ['Beta', 'Alpha', 'Gamma']) {
      const owner = await h.createAccount();
      const store = value(await h.services.vendors.apply(owner, { name: `ZZ ${name} ${randomUUID().slice(0, 4)}`, slug: slug() }));
      tagged.push(value(await h.services.vendors.approve(admin, store.id)));
    }
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof h.services.vendors.list>> = await h.services.vendors.list(null, { first: 2, after });
      ids.push(...page.edges.map((edge) => edge.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(ids).size).toBe(ids.length);
    const positions = tagged.map((store) => ids.indexOf(store.id));
    expect(positions.every((position) => position >= 0)).toBe(true);
    // Alpha, Beta, Gamma by name.
    expect([positions[1], positions[0], positions[2]]).toEqual([...positions].sort((a, b) => a - b));
  });
});

describe('vendor references', () => {
  it('batches 20 references into one repository call, in the order asked', async () => {
    const stores = [];
    for (let i = 0; i < 20; i += 1) {
      const owner = await h.createAccount();
      stores.push(value(await h.services.vendors.apply(owner, { name: `Batch ${i}`, slug: slug() })));
    }
    const findByIds = vi.fn(h.repositories.vendors.findByIds);
    const loaders = createLoaders({ ...h.repositories, vendors: { ...h.repositories.vendors, findByIds } });
    const shuffled = [...stores].reverse();
    const resolved = await Promise.all(shuffled.map((store) => h.services.vendors.resolveReference(store.id, loaders)));
    expect(findByIds).toHaveBeenCalledTimes(1);
    expect(resolved.map((store) => store?.id)).toEqual(shuffled.map((store) => store.id));
    expect(await h.services.vendors.resolveReference(randomUUID(), loaders)).toBeNull();
    expect(await h.services.vendors.resolveReference('not-a-uuid', loaders)).toBeNull();
  });

  it('costs one SQL query for a page of 20 references', async () => {
    const ids = (await h.prisma.vendor.findMany({ take: 20, select: { id: true } })).map((row) => row.id);
    expect(ids).toHaveLength(20);
    const counted = new PrismaClient({ adapter: createPrismaAdapter(testDatabaseUrl('users'), 2), log: [{ emit: 'event', level: 'query' }] });
    const queries: string[] = [];
    counted.$on('query', (event) => queries.push(event.query));
    try {
      // Without the Redis cache: this measures the batched SQL itself.
      const loaders = createLoaders({ ...h.repositories, vendors: createVendorRepository(counted), vendorCache: null });
      await counted.$connect();
      const resolved = await Promise.all(ids.map((id) => h.services.vendors.resolveReference(id, loaders)));
      expect(resolved.every((store) => store !== null)).toBe(true);
      expect(queries).toHaveLength(1);
      expect(queries[0]).toMatch(/SELECT .* FROM "public"\."vendors" WHERE "public"\."vendors"\."id" IN/s);
    } finally {
      await counted.$disconnect();
    }
  });
});

describe('vendor cache (Redis)', () => {
  const logger = createLogger({ service: 'users-vendor-cache-spec', level: 'silent', pretty: false });
  let deadRedis: Redis;
  beforeAll(() => {
    deadRedis = createRedis({ url: 'redis://127.0.0.1:6390', keyPrefix: 'nothing-listens:' }, logger);
  });
  afterAll(() => deadRedis?.disconnect());

  /** Loaders whose Postgres reads are counted, over the harness' Redis cache (or another). */
  function countingLoaders(vendorCache = h.repositories.vendorCache) {
    const findByIds = vi.fn(h.repositories.vendors.findByIds);
    return { findByIds, loaders: createLoaders({ ...h.repositories, vendors: { ...h.repositories.vendors, findByIds }, vendorCache }) };
  }

  async function approvedStores(count: number) {
    const stores = [];
    for (let i = 0; i < count; i += 1) {
      const store = value(await h.services.vendors.apply(await h.createAccount(), { name: `Cached ${i}`, slug: slug() }));
      stores.push(value(await h.services.vendors.approve(admin, store.id)));
    }
    return stores;
  }

  it('answers the next request references from Redis, reading Postgres only for the misses', async () => {
    const stores = await approvedStores(3);
    const [first, second, third] = stores as [(typeof stores)[number], (typeof stores)[number], (typeof stores)[number]];
    const warm = countingLoaders();
    await Promise.all([first, second].map((store) => h.services.vendors.resolveReference(store.id, warm.loaders)));
    expect(warm.findByIds).toHaveBeenCalledTimes(1);
    expect(await h.redis.ttl(`vendor:id:${first.id}`)).toBeGreaterThan(0);
    expect(await h.redis.ttl(`vendor:id:${first.id}`)).toBeLessThanOrEqual(60);

    const next = countingLoaders();
    const resolved = await Promise.all(stores.map((store) => h.services.vendors.resolveReference(store.id, next.loaders)));
    expect(resolved).toEqual(stores);
    expect(resolved[0]?.createdAt).toBeInstanceOf(Date);
    expect(resolved[0]?.decidedAt).toBeInstanceOf(Date);
    // One batch; only the store not seen before went to Postgres.
    expect(next.findByIds).toHaveBeenCalledTimes(1);
    expect(next.findByIds.mock.calls[0]?.[0]).toEqual([third.id]);

    const cached = countingLoaders();
    await Promise.all(stores.map((store) => h.services.vendors.resolveReference(store.id, cached.loaders)));
    expect(cached.findByIds).not.toHaveBeenCalled();
  });

  it('drops the entry on every status change, so references see the new status at once', async () => {
    const [store] = await approvedStores(1);
    const id = (store as NonNullable<typeof store>).id;
    const status = async () => (await h.services.vendors.resolveReference(id, h.loaders()))?.status;
    expect(await status()).toBe('APPROVED');
    expect(await h.redis.exists(`vendor:id:${id}`)).toBe(1);
    value(await h.services.vendors.suspend(admin, id, 'Counterfeits'));
    expect(await h.redis.exists(`vendor:id:${id}`)).toBe(0);
    expect(await status()).toBe('SUSPENDED');
    value(await h.services.vendors.approve(admin, id));
    expect(await status()).toBe('APPROVED');

    const pending = value(await h.services.vendors.apply(await h.createAccount(), { name: 'To Reject', slug: slug() }));
    expect((await h.services.vendors.resolveReference(pending.id, h.loaders()))?.status).toBe('PENDING');
    value(await h.services.vendors.reject(admin, pending.id, 'Incomplete'));
    expect((await h.services.vendors.resolveReference(pending.id, h.loaders()))?.status).toBe('REJECTED');
  });

  it('does not cache unknown ids, so a store created later resolves', async () => {
    const loaders = countingLoaders();
    expect(await h.services.vendors.resolveReference(randomUUID(), loaders.loaders)).toBeNull();
    expect(loaders.findByIds).toHaveBeenCalledTimes(1);
  });

  it('ignores an entry it cannot read and falls back to Postgres', async () => {
    const [store] = await approvedStores(1);
    const id = (store as NonNullable<typeof store>).id;
    await h.redis.set(`vendor:id:${id}`, '{garbled', 'EX', 60);
    expect((await h.services.vendors.resolveReference(id, h.loaders()))?.id).toBe(id);
  });

  it('resolves references and changes stores straight from Postgres when Redis is down', async () => {
    const down = createVendorCache(deadRedis, 60, logger);
    const vendors = createVendorService({ vendors: createVendorRepository(h.prisma), cache: down, logger });
    const [store] = await approvedStores(1);
    const id = (store as NonNullable<typeof store>).id;
    const started = Date.now();
    const { loaders, findByIds } = countingLoaders(down);
    expect((await vendors.resolveReference(id, loaders))?.status).toBe('APPROVED');
    expect(findByIds).toHaveBeenCalledTimes(1);
    expect(value(await vendors.suspend(admin, id, null)).status).toBe('SUSPENDED');
    expect((await vendors.resolveReference(id, countingLoaders(down).loaders))?.status).toBe('SUSPENDED');
    // Fails fast (no offline queue): an outage must not slow every reference to a crawl.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
