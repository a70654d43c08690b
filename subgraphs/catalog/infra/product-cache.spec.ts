import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { createCatalogApp, type CatalogApp } from '../application/services.ts';
import type { Product } from '../domain/product.ts';
import { createCatalogHarness, type CatalogHarness } from '../testing/harness.ts';
import { createListingCache } from './listing-cache.ts';
import { createProductCache } from './product-cache.ts';

/** Cache-aside for product reads against the real Redis and test database. */
const vendorId = randomUUID();
const owner: Viewer = { userId: randomUUID(), role: 'VENDOR', vendorId };
let harness: CatalogHarness;

/** `product(id | slug)` as one fresh request sees it. */
const read = (args: { id?: string; slug?: string }, app: CatalogApp = harness.app) =>
  app.services.queries.product(app.scopeFor(harness.request()), args);

async function createActiveProduct(name: string): Promise<Product> {
  const { products } = harness.services;
  const created = await products.create(harness.scope(owner), {
    name,
    variants: [{ sku: `C-${randomUUID().slice(0, 12)}`, price: { amount: 1500, currency: 'EUR' } }],
  });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const active = await products.setStatus(harness.scope(owner), { id: created.value.id, status: 'ACTIVE' });
  if (!active.ok) throw new Error(JSON.stringify(active.errors));
  return active.value;
}

beforeAll(async () => {
  harness = await createCatalogHarness({ scope: 'product-cache-spec' });
});

afterAll(async () => {
  await harness?.close();
});

describe('product cache', () => {
  it('serves the second request from Redis, with dates and money intact', async () => {
    const product = await createActiveProduct(`Cached Kettle ${randomUUID()}`);
    const first = await read({ id: product.id });
    const readsAfterFirst = harness.reads.productIds;
    const second = await read({ id: product.id });
    expect(harness.reads.productIds).toBe(readsAfterFirst);
    expect(second).toEqual(first);
    expect(second?.createdAt).toBeInstanceOf(Date);
    expect(second?.priceRange.min).toEqual({ amount: 1500, currency: 'EUR' });
    expect(await harness.redis.ttl(`product:id:${product.id}`)).toBeGreaterThan(0);
  });

  it('caches slug lookups too', async () => {
    const product = await createActiveProduct(`Slugged Teapot ${randomUUID()}`);
    await read({ slug: product.slug });
    expect(await harness.deps.cache.idBySlug.getMany([product.slug])).toEqual(new Map([[product.slug, product.id]]));
    const reads = harness.reads.productIds;
    expect((await read({ slug: product.slug }))?.id).toBe(product.id);
    expect(harness.reads.productIds).toBe(reads);
  });

  it('drops the entries on update, so the next read sees the change (and the old slug is gone)', async () => {
    const product = await createActiveProduct(`Stale Pan ${randomUUID()}`);
    await read({ id: product.id });
    await read({ slug: product.slug });
    expect(await harness.redis.exists(`product:id:${product.id}`, `product:slug:${product.slug}`)).toBe(2);

    const newSlug = `fresh-pan-${randomUUID().slice(0, 8)}`;
    const updated = await harness.services.products.update(harness.scope(owner), { id: product.id, name: 'Fresh Pan', slug: newSlug });
    expect(updated.ok).toBe(true);
    expect(await harness.redis.exists(`product:id:${product.id}`, `product:slug:${product.slug}`)).toBe(0);

    expect((await read({ id: product.id }))?.name).toBe('Fresh Pan');
    expect(await read({ slug: product.slug })).toBeNull();
    expect((await read({ slug: newSlug }))?.id).toBe(product.id);
  });

  it('drops the entry when the status changes, so an archived product disappears from shoppers at once', async () => {
    const product = await createActiveProduct(`Soon Gone ${randomUUID()}`);
    expect(await read({ id: product.id })).not.toBeNull();
    await harness.services.products.setStatus(harness.scope(owner), { id: product.id, status: 'ARCHIVED' });
    expect(await read({ id: product.id })).toBeNull();
    // …but an order line pointing at it still resolves.
    expect((await harness.services.queries.productReference(harness.scope(), product.id))?.status).toBe('ARCHIVED');
  });

  it('drops the entry when a variant changes', async () => {
    const product = await createActiveProduct(`Repriced Mug ${randomUUID()}`);
    await read({ id: product.id });
    const variant = product.variants[0];
    const changed = await harness.services.products.updateVariant(harness.scope(owner), { id: variant?.id as string, price: { amount: 1200, currency: 'EUR' } });
    expect(changed.ok).toBe(true);
    expect((await read({ id: product.id }))?.priceRange.min.amount).toBe(1200);
  });

  it('ignores an entry it cannot read and falls back to Postgres', async () => {
    const product = await createActiveProduct(`Garbled ${randomUUID()}`);
    await harness.redis.set(`product:id:${product.id}`, '{not json', 'EX', 60);
    expect((await read({ id: product.id }))?.id).toBe(product.id);
  });
});

describe('when Redis is down', () => {
  it('reads, lists and writes straight from Postgres without errors', async () => {
    const down = createProductCache(harness.deadRedis, 60, harness.logger);
    const offline = createCatalogApp({ ...harness.deps, cache: down, listings: createListingCache(harness.deadRedis, 30, harness.logger) });
    const product = await createActiveProduct(`Offline Lamp ${randomUUID()}`);
    // The cache fails open: a read finds nothing instead of throwing.
    expect(await down.byId.getMany([product.id])).toEqual(new Map());
    const started = Date.now();
    const byId = await read({ id: product.id }, offline);
    const bySlug = await read({ slug: product.slug }, offline);
    expect(byId?.id).toBe(product.id);
    expect(bySlug?.id).toBe(product.id);
    // Fails fast (no offline queue), so a Redis outage does not slow every read to a crawl.
    expect(Date.now() - started).toBeLessThan(2_000);
    const renamed = await offline.services.products.update(offline.scopeFor(harness.request(owner)), { id: product.id, name: 'Offline Lamp (renamed)' });
    expect(renamed.ok).toBe(true);
    const listed = await offline.services.queries.products(offline.scopeFor(harness.request()), { filter: { vendorId, search: 'offline lamp' } });
    expect(listed.edges.map((edge) => edge.node.name)).toContain('Offline Lamp (renamed)');
  });
});
