import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { Redis } from '../../../platform/redis/redis.ts';
import type { Product } from '../domain/product.ts';
import { createCacheFixture, type CacheFixture, type CountingProductRepository } from '../testing/cache-fixture.ts';
import { ListingCache } from './listing-cache.ts';
import { ProductCache } from './product-cache.ts';

/** Cache-aside for product reads against the real Redis and test database. */
const vendorId = randomUUID();
const owner: Viewer = { userId: randomUUID(), role: 'VENDOR', vendorId };
let fixture: CacheFixture;
let redis: Redis;
let deadRedis: Redis;
let products: CountingProductRepository;
let cache: ProductCache;
let listings: ListingCache;
let logger: Logger;

/** What a fresh request sees: new loaders and services over the shared cache. */
function request(viewer: Viewer | null = null, productCache: ProductCache = cache, listingCache: ListingCache = listings) {
  return fixture.request(viewer, { productCache, listings: listingCache });
}

async function createActiveProduct(name: string): Promise<Product> {
  const { writes } = request(owner);
  const created = await writes.create({ name, variants: [{ sku: `C-${randomUUID().slice(0, 12)}`, price: { amount: 1500, currency: 'EUR' } }] });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const active = await request(owner).writes.setStatus({ id: created.value.id, status: 'ACTIVE' });
  if (!active.ok) throw new Error(JSON.stringify(active.errors));
  return active.value;
}

beforeAll(async () => {
  fixture = await createCacheFixture('catalog-cache-spec');
  ({ redis, deadRedis, products, productCache: cache, listings, logger } = fixture);
});

afterAll(async () => {
  await fixture?.close();
});

describe('product cache', () => {
  it('serves the second request from Redis, with dates and money intact', async () => {
    const product = await createActiveProduct(`Cached Kettle ${randomUUID()}`);
    const first = await request().queries.product({ id: product.id });
    const readsAfterFirst = products.reads;
    const second = await request().queries.product({ id: product.id });
    expect(products.reads).toBe(readsAfterFirst);
    expect(second).toEqual(first);
    expect(second?.createdAt).toBeInstanceOf(Date);
    expect(second?.priceRange.min).toEqual({ amount: 1500, currency: 'EUR' });
    expect(await redis.ttl(`product:id:${product.id}`)).toBeGreaterThan(0);
  });

  it('caches slug lookups too', async () => {
    const product = await createActiveProduct(`Slugged Teapot ${randomUUID()}`);
    await request().queries.product({ slug: product.slug });
    expect(await redis.get(`product:slug:${product.slug}`)).toBe(product.id);
    const reads = products.reads;
    expect((await request().queries.product({ slug: product.slug }))?.id).toBe(product.id);
    expect(products.reads).toBe(reads);
  });

  it('drops the entries on update, so the next read sees the change (and the old slug is gone)', async () => {
    const product = await createActiveProduct(`Stale Pan ${randomUUID()}`);
    await request().queries.product({ id: product.id });
    await request().queries.product({ slug: product.slug });
    expect(await redis.exists(`product:id:${product.id}`)).toBe(1);

    const newSlug = `fresh-pan-${randomUUID().slice(0, 8)}`;
    const updated = await request(owner).writes.update({ id: product.id, name: 'Fresh Pan', slug: newSlug });
    expect(updated.ok).toBe(true);
    expect(await redis.exists(`product:id:${product.id}`, `product:slug:${product.slug}`)).toBe(0);

    expect((await request().queries.product({ id: product.id }))?.name).toBe('Fresh Pan');
    expect(await request().queries.product({ slug: product.slug })).toBeNull();
    expect((await request().queries.product({ slug: newSlug }))?.id).toBe(product.id);
  });

  it('drops the entry when the status changes, so an archived product disappears from shoppers at once', async () => {
    const product = await createActiveProduct(`Soon Gone ${randomUUID()}`);
    expect(await request().queries.product({ id: product.id })).not.toBeNull();
    await request(owner).writes.setStatus({ id: product.id, status: 'ARCHIVED' });
    expect(await request().queries.product({ id: product.id })).toBeNull();
    // …but an order line pointing at it still resolves.
    expect((await request().queries.productReference(product.id))?.status).toBe('ARCHIVED');
  });

  it('drops the entry when a variant changes', async () => {
    const product = await createActiveProduct(`Repriced Mug ${randomUUID()}`);
    await request().queries.product({ id: product.id });
    const variant = product.variants[0];
    const changed = await request(owner).writes.updateVariant({ id: variant?.id as string, price: { amount: 1200, currency: 'EUR' } });
    expect(changed.ok).toBe(true);
    expect((await request().queries.product({ id: product.id }))?.priceRange.min.amount).toBe(1200);
  });

  it('ignores an entry it cannot read and falls back to Postgres', async () => {
    const product = await createActiveProduct(`Garbled ${randomUUID()}`);
    await redis.set(`product:id:${product.id}`, '{not json', 'EX', 60);
    expect((await request().queries.product({ id: product.id }))?.id).toBe(product.id);
  });
});

describe('when Redis is down', () => {
  it('reads, lists and writes straight from Postgres without errors', async () => {
    const down = new ProductCache(deadRedis, 60, logger);
    const downListings = new ListingCache(deadRedis, 30, logger);
    expect(await down.getMany([randomUUID()])).toEqual(new Map());
    await expect(down.setMany([])).resolves.toBeUndefined();
    const product = await createActiveProduct(`Offline Lamp ${randomUUID()}`);
    const started = Date.now();
    const byId = await request(null, down, downListings).queries.product({ id: product.id });
    const bySlug = await request(null, down, downListings).queries.product({ slug: product.slug });
    expect(byId?.id).toBe(product.id);
    expect(bySlug?.id).toBe(product.id);
    // Fails fast (no offline queue), so a Redis outage does not slow every read to a crawl.
    expect(Date.now() - started).toBeLessThan(2_000);
    const renamed = await request(owner, down, downListings).writes.update({ id: product.id, name: 'Offline Lamp (renamed)' });
    expect(renamed.ok).toBe(true);
    const listed = await request(null, down, downListings).queries.products({ filter: { vendorId, search: 'offline lamp' } });
    expect(listed.edges.map((edge) => edge.node.name)).toContain('Offline Lamp (renamed)');
  });
});
