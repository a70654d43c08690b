import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { CallerGoneError } from '../../../platform/http/caller-signal.ts';
import type { ProductListArgs } from '../application/catalog-query.service.ts';
import { createCatalogApp } from '../application/services.ts';
import type { Product } from '../domain/product.ts';
import { createCatalogHarness, type CatalogHarness } from '../testing/harness.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { createListingCache, listingHash, stableJson, type ListingCache } from './listing-cache.ts';

/** The listing cache against the real Redis and test database. */
let harness: CatalogHarness;

/** Another catalog instance: its own listing cache (and parsed pages) over the same Redis. */
const instance = (listings: ListingCache = createListingCache(harness.redis, 30, harness.logger)) => createCatalogApp({ ...harness.deps, listings });

/** A fresh vendor with `count` ACTIVE products, so no other spec's rows show up in its lists. */
async function vendorWithProducts(count: number): Promise<{ owner: Viewer; vendorId: string; products: Product[] }> {
  const vendorId = randomUUID();
  const owner: Viewer = { userId: randomUUID(), role: 'VENDOR', vendorId };
  const created: Product[] = [];
  for (let i = 0; i < count; i += 1) {
    const draft = await harness.services.products.create(harness.scope(owner), {
      name: `Listed Bowl ${i} ${vendorId.slice(0, 8)}`,
      variants: [{ sku: `L-${randomUUID().slice(0, 12)}`, price: { amount: 1000 + i, currency: 'EUR' } }],
    });
    if (!draft.ok) throw new Error(JSON.stringify(draft.errors));
    const active = await harness.services.products.setStatus(harness.scope(owner), { id: draft.value.id, status: 'ACTIVE' });
    if (!active.ok) throw new Error(JSON.stringify(active.errors));
    created.push(active.value);
  }
  return { owner, vendorId, products: created };
}

const names = (connection: { edges: { node: { name: string } }[] }) => connection.edges.map((edge) => edge.node.name);
const version = async () => Number(await harness.redis.get('listing:version'));

/** Stored product pages of the current version, as keys without the client's prefix (SCAN, not KEYS). */
async function storedPages(): Promise<string[]> {
  const { redis } = harness;
  const prefix = redis.options.keyPrefix ?? '';
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}listing:${await version()}:products:*`, 'COUNT', 500);
    cursor = next;
    found.push(...keys.map((key) => key.slice(prefix.length)));
  } while (cursor !== '0');
  return found;
}

beforeAll(async () => {
  harness = await createCatalogHarness({ scope: 'listing-cache-spec' });
});

afterAll(async () => {
  await harness?.close();
});

describe('listing cache keys', () => {
  it('hash equal arguments alike whatever order their keys were built in, and different ones apart', () => {
    expect(stableJson({ b: 1, a: { d: [1, { y: 2, x: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"x":null,"y":2}]},"b":1}');
    expect(listingHash({ sort: 'NEWEST', limit: 20 })).toBe(listingHash({ limit: 20, sort: 'NEWEST' }));
    expect(listingHash({ sort: 'NEWEST', limit: 20 })).not.toBe(listingHash({ sort: 'NEWEST', limit: 21 }));
    expect(listingHash({ after: null })).not.toBe(listingHash({}));
  });
});

describe('listing cache', () => {
  it('serves the same listing from Redis the second time, with dates, money and cursors intact', async () => {
    const { vendorId } = await vendorWithProducts(3);
    const args: ProductListArgs = { first: 2, filter: { vendorId } };
    const first = await harness.services.queries.products(harness.scope(), args);
    const pagesAfterFirst = harness.reads.pages;
    const second = await harness.services.queries.products(harness.scope(), args);
    expect(harness.reads.pages).toBe(pagesAfterFirst);
    expect(second).toEqual(first);
    expect(second.totalCount).toBe(3);
    expect(second.pageInfo.hasNextPage).toBe(true);
    expect(second.edges[0]?.node.createdAt).toBeInstanceOf(Date);
    expect(second.edges[0]?.node.priceRange.min.currency).toBe('EUR');
    const [key] = await storedPages();
    expect(key).toBeDefined();
    const ttl = await harness.redis.ttl(key as string);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);

    // Another page, sort or filter is another entry.
    const next = await harness.services.queries.products(harness.scope(), { ...args, after: first.pageInfo.endCursor });
    expect(harness.reads.pages).toBe(pagesAfterFirst + 1);
    expect(names(next)).toHaveLength(1);
    await harness.services.queries.products(harness.scope(), { ...args, sort: 'PRICE_DESC' });
    expect(harness.reads.pages).toBe(pagesAfterFirst + 2);
  });

  it('caches Vendor.products and category listings through the same path', async () => {
    const { vendorId } = await vendorWithProducts(2);
    const first = await harness.services.queries.vendorProducts(harness.scope(), vendorId, { first: 5 });
    const reads = harness.reads.pages;
    expect(await harness.services.queries.vendorProducts(harness.scope(), vendorId, { first: 5 })).toEqual(first);
    expect(harness.reads.pages).toBe(reads);
    expect(names(first)).toHaveLength(2);
  });

  it('checks arguments before the cache: bad input fails the same when warm', async () => {
    const { vendorId } = await vendorWithProducts(1);
    await harness.services.queries.products(harness.scope(), { first: 5, filter: { vendorId } });
    await expect(harness.services.queries.products(harness.scope(), { first: 0, filter: { vendorId } })).rejects.toThrow(/first/);
    await expect(harness.services.queries.products(harness.scope(), { first: 5, after: 'garbage', filter: { vendorId } })).rejects.toThrow(/cursor/);
  });

  it('never serves a list made stale by a write: every kind of product write bumps the version', async () => {
    const { owner, vendorId, products: [bowl] } = await vendorWithProducts(1);
    const list = () => harness.services.queries.products(harness.scope(), { first: 10, filter: { vendorId } });
    const bowlId = (bowl as Product).id;
    await list();

    let before = await version();
    const renamed = await harness.services.products.update(harness.scope(owner), { id: bowlId, name: 'Renamed Bowl' });
    expect(renamed.ok).toBe(true);
    expect(await version()).toBe(before + 1);
    expect(names(await list())).toEqual(['Renamed Bowl']);

    before = await version();
    const added = await harness.services.products.addVariant(harness.scope(owner), { productId: bowlId, variant: { sku: `L-${randomUUID().slice(0, 12)}`, price: { amount: 500, currency: 'EUR' } } });
    expect(added.ok).toBe(true);
    expect(await version()).toBe(before + 1);
    expect((await list()).edges[0]?.node.priceRange.min.amount).toBe(500);

    before = await version();
    const variantId = added.ok ? added.value.variant.id : '';
    const repriced = await harness.services.products.updateVariant(harness.scope(owner), { id: variantId, price: { amount: 450, currency: 'EUR' } });
    expect(repriced.ok).toBe(true);
    expect(await version()).toBe(before + 1);
    expect((await list()).edges[0]?.node.priceRange.min.amount).toBe(450);

    before = await version();
    const draft = await harness.services.products.create(harness.scope(owner), { name: 'Second Bowl', variants: [{ sku: `L-${randomUUID().slice(0, 12)}`, price: { amount: 900, currency: 'EUR' } }] });
    expect(draft.ok).toBe(true);
    expect(await version()).toBe(before + 1);
    expect(names(await list())).toEqual(['Renamed Bowl']);
    const published = await harness.services.products.setStatus(harness.scope(owner), { id: draft.ok ? draft.value.id : '', status: 'ACTIVE' });
    expect(published.ok).toBe(true);
    expect(names(await list()).sort()).toEqual(['Renamed Bowl', 'Second Bowl']);

    const archived = await harness.services.products.setStatus(harness.scope(owner), { id: bowlId, status: 'ARCHIVED' });
    expect(archived.ok).toBe(true);
    const after = await list();
    expect(names(after)).toEqual(['Second Bowl']);
    expect(after.totalCount).toBe(1);
  });

  it('caches facet counts and drops them on a write too', async () => {
    const { owner, vendorId, products: [mug] } = await vendorWithProducts(2);
    const first = await harness.services.queries.facets(harness.scope(), { vendorId });
    expect(first.totalCount).toBe(2);
    const reads = harness.reads.facets;
    expect(await harness.services.queries.facets(harness.scope(), { vendorId })).toEqual(first);
    expect(harness.reads.facets).toBe(reads);
    await harness.services.products.setStatus(harness.scope(owner), { id: (mug as Product).id, status: 'DRAFT' });
    expect((await harness.services.queries.facets(harness.scope(), { vendorId })).totalCount).toBe(1);
    expect(harness.reads.facets).toBe(reads + 1);
  });

  it('does not cache management listings: a vendor sees its new draft at once', async () => {
    const { owner } = await vendorWithProducts(1);
    const mine = () => harness.services.queries.myProducts(harness.scope(owner), { first: 10 });
    expect((await mine()).totalCount).toBe(1);
    const pages = harness.reads.pages;
    await mine();
    expect(harness.reads.pages).toBe(pages + 1);
  });

  it('shares one Postgres read among concurrent misses of one listing', async () => {
    const { vendorId } = await vendorWithProducts(2);
    const reads = harness.reads.pages;
    const results = await Promise.all(Array.from({ length: 10 }, () => harness.services.queries.products(harness.scope(), { first: 3, filter: { vendorId } })));
    expect(harness.reads.pages).toBe(reads + 1);
    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
  });

  it('lets a request sharing another’s read read for itself when the other’s caller went away, but shares real failures', async () => {
    const listings = createListingCache(harness.redis, 30, harness.logger);
    const gets = vi.spyOn(harness.redis, 'get');
    const shared = async (failure: Error) => {
      const args = { spec: randomUUID() };
      const entryReads = () => gets.mock.calls.flatMap(([key], index) => (String(key).endsWith(`:spec:${listingHash(args)}`) ? [gets.mock.results[index]] : []));
      let fail!: (error: Error) => void;
      let leaderReading!: () => void;
      const reading = new Promise<void>((resolve) => (leaderReading = resolve));
      const leader = listings.json('spec', args, () => {
        leaderReading();
        return new Promise<string>((_, reject) => (fail = reject));
      });
      await reading;
      const follower = listings.json('spec', args, async () => 'its own read');
      // The follower waits on the leader's read once its own look-up of the entry has come back
      // (and the microtasks that follow have run).
      const followerLookup = await waitFor('the follower to look the entry up', () => entryReads()[1]);
      await followerLookup.value;
      await new Promise((resolve) => setImmediate(resolve));
      fail(failure);
      await expect(leader).rejects.toBe(failure);
      return follower;
    };
    try {
      expect(await shared(new CallerGoneError())).toBe('its own read');
      const outage = new Error('postgres is down');
      await expect(shared(outage)).rejects.toBe(outage);
    } finally {
      gets.mockRestore();
    }
  });

  it('keeps parsed pages in process, yet follows a write made through another instance at once', async () => {
    const { owner, vendorId, products: [cup] } = await vendorWithProducts(1);
    const instanceA = instance();
    const instanceB = instance();
    const args = { first: 7, filter: { vendorId } };
    await instanceA.services.queries.products(instanceA.scopeFor(harness.request()), args);
    await instanceB.services.queries.products(instanceB.scopeFor(harness.request()), args);
    const reads = harness.reads.pages;
    // B parsed the entry once; with Redis' copy garbled it still answers, and from memory.
    for (const key of await storedPages()) await harness.redis.set(key, '{garbled', 'EX', 30);
    expect(names(await instanceB.services.queries.products(instanceB.scopeFor(harness.request()), args))).toHaveLength(1);
    expect(harness.reads.pages).toBe(reads);

    const renamed = await instanceA.services.products.update(instanceA.scopeFor(harness.request(owner)), { id: (cup as Product).id, name: 'Renamed Cup' });
    expect(renamed.ok).toBe(true);
    expect(names(await instanceB.services.queries.products(instanceB.scopeFor(harness.request()), args))).toEqual(['Renamed Cup']);
    expect(harness.reads.pages).toBe(reads + 1);
  });

  it('ignores an entry it cannot read, and restarts a lost version above any earlier one', async () => {
    const { vendorId } = await vendorWithProducts(1);
    const args = { first: 4, filter: { vendorId } };
    await harness.services.queries.products(harness.scope(), args);
    const stored = await storedPages();
    expect(stored.length).toBeGreaterThan(0);
    for (const key of stored) await harness.redis.set(key, '{garbled', 'EX', 30);
    const reads = harness.reads.pages;
    // Another instance (this one keeps what it parsed) finds only the garbled entry.
    const other = instance();
    expect(names(await other.services.queries.products(other.scopeFor(harness.request()), args))).toHaveLength(1);
    expect(harness.reads.pages).toBe(reads + 1);

    const old = await version();
    await harness.redis.del('listing:version');
    await harness.deps.listings.bumpVersion();
    expect(await version()).toBeGreaterThan(old);
  });
});

describe('listing cache when Redis is down', () => {
  it('lists, counts facets and writes straight from Postgres without errors', async () => {
    const down = instance(createListingCache(harness.deadRedis, 30, harness.logger));
    const { owner, vendorId, products: [lamp] } = await vendorWithProducts(1);
    const started = Date.now();
    const reads = harness.reads.pages;
    expect(names(await down.services.queries.products(down.scopeFor(harness.request()), { filter: { vendorId } }))).toHaveLength(1);
    expect(names(await down.services.queries.products(down.scopeFor(harness.request()), { filter: { vendorId } }))).toHaveLength(1);
    expect(harness.reads.pages).toBe(reads + 2);
    expect((await down.services.queries.facets(down.scopeFor(harness.request()), { vendorId })).totalCount).toBe(1);
    const renamed = await down.services.products.update(down.scopeFor(harness.request(owner)), { id: (lamp as Product).id, name: 'Offline Bowl' });
    expect(renamed.ok).toBe(true);
    expect(names(await down.services.queries.products(down.scopeFor(harness.request()), { filter: { vendorId } }))).toEqual(['Offline Bowl']);
    // Fails fast (no offline queue), so a Redis outage does not slow every list to a crawl.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
