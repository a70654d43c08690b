import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl } from '../../../platform/config/load-config.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import { dropDatabase, migrateAll } from '../../../scripts/lib/databases.ts';
import { testEnv } from '../../../test/support/test-env.ts';
import { loadCatalogConfig } from '../config.ts';
import { normalizeProductFilter } from '../domain/product-listing.ts';
import { isValidSlug } from '../domain/slug.ts';
import { buildDemoCatalog, DEMO_PRODUCT_COUNT, demoVariantsOnSale, mulberry32, seedCatalogDemo } from './demo-seed.ts';
import { createCatalogPrisma } from './prisma.ts';
import { createProductRepository } from './product.repository.ts';

const vendors = [randomUUID(), randomUUID(), randomUUID()];

describe('buildDemoCatalog (no database)', () => {
  const demo = buildDemoCatalog(vendors);

  it('is deterministic', () => {
    expect(buildDemoCatalog(vendors)).toEqual(demo);
    const a = mulberry32(7);
    const b = mulberry32(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('builds a tree of ~6 roots and ~30 leaves', () => {
    const roots = demo.categories.filter((c) => c.parentId === null);
    const parents = new Set(demo.categories.map((c) => c.parentId));
    const leaves = demo.categories.filter((c) => !parents.has(c.id));
    expect(roots).toHaveLength(6);
    expect(leaves.length).toBeGreaterThanOrEqual(30);
    const headphones = demo.categories.find((c) => c.slug === 'headphones');
    const names = headphones?.pathIds.map((id) => demo.categories.find((c) => c.id === id)?.name);
    expect(names).toEqual(['Electronics', 'Audio', 'Headphones']);
    expect(new Set(demo.categories.map((c) => c.slug)).size).toBe(demo.categories.length);
  });

  it('makes 1,000 plausible products spread over vendors and leaf categories', () => {
    expect(demo.products).toHaveLength(DEMO_PRODUCT_COUNT);
    expect(new Set(demo.products.map((p) => p.vendorId))).toEqual(new Set(vendors));
    expect(new Set(demo.products.map((p) => p.slug)).size).toBe(DEMO_PRODUCT_COUNT);
    for (const product of demo.products) {
      expect(isValidSlug(product.slug)).toBe(true);
      expect(product.imageUrls).toContain(`https://images.example.com/products/${product.slug}-1.jpg`);
    }
    const statuses = demo.products.map((p) => p.status);
    const active = statuses.filter((s) => s === 'ACTIVE').length;
    expect(active).toBeGreaterThan(750);
    expect(statuses).toContain('DRAFT');
    expect(statuses).toContain('ARCHIVED');
    expect(demo.products.some((p) => /Headphones$/.test(p.name))).toBe(true);
  });

  it('gives each product 1–4 variants with unique SKUs, EUR prices and a consistent range', () => {
    expect(new Set(demo.variants.map((v) => v.sku)).size).toBe(demo.variants.length);
    const byProduct = new Map<string, typeof demo.variants>();
    for (const variant of demo.variants) byProduct.set(variant.productId, [...(byProduct.get(variant.productId) ?? []), variant]);
    for (const product of demo.products) {
      const variants = byProduct.get(product.id) ?? [];
      expect(variants.length).toBeGreaterThanOrEqual(1);
      expect(variants.length).toBeLessThanOrEqual(4);
      const amounts = variants.map((v) => v.priceAmount);
      expect(product.minPrice).toBe(Math.min(...amounts));
      expect(product.maxPrice).toBe(Math.max(...amounts));
      for (const variant of variants) {
        expect(variant.currency).toBe('EUR');
        expect(Number.isInteger(variant.priceAmount) && variant.priceAmount > 0).toBe(true);
        if (variant.compareAtAmount != null) expect(variant.compareAtAmount).toBeGreaterThan(variant.priceAmount);
      }
    }
  });
});

describe('demoVariantsOnSale', () => {
  it('hands later seeds (inventory) the variants of ACTIVE products with their vendor', () => {
    const demo = buildDemoCatalog(vendors);
    const onSale = demoVariantsOnSale(demo);
    const active = new Set(demo.products.filter((product) => product.status === 'ACTIVE').map((product) => product.id));
    expect(onSale).toHaveLength(demo.variants.filter((variant) => active.has(variant.productId)).length);
    const vendorOf = new Map(demo.products.map((product) => [product.id, product.vendorId]));
    for (const variant of onSale) {
      const source = demo.variants.find((candidate) => candidate.id === variant.id);
      expect(source && active.has(source.productId)).toBe(true);
      expect(variant).toEqual({ id: source?.id, sku: source?.sku, vendorId: source && vendorOf.get(source.productId) });
    }
  });
});

describe('seedCatalogDemo (own database)', () => {
  const prefix = `${testEnv.TEST_DATABASE_PREFIX}seed_`;
  const url = databaseUrl(testEnv.POSTGRES_URL, `${prefix}catalog`);
  const logger = createLogger({ service: 'seed-spec', level: 'silent', pretty: false });
  const config = loadCatalogConfig({ DATABASE_URL: url });

  let seeded: Awaited<ReturnType<typeof seedCatalogDemo>>;
  let elapsedMs: number;

  // Seeding is the fixture every test here reads; the tests themselves never write.
  beforeAll(async () => {
    await dropDatabase(testEnv.POSTGRES_URL, `${prefix}catalog`);
    await migrateAll(testEnv.POSTGRES_URL, prefix, ['catalog']);
    const started = Date.now();
    seeded = await seedCatalogDemo(config, logger, vendors);
    elapsedMs = Date.now() - started;
  });

  afterAll(async () => {
    await dropDatabase(testEnv.POSTGRES_URL, `${prefix}catalog`);
  });

  it('inserts the demo catalog into an empty database well under 10 s', () => {
    expect(seeded).toEqual({ created: true, products: DEMO_PRODUCT_COUNT, categories: expect.any(Number) });
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('does nothing once the catalog has products', async () => {
    expect(await seedCatalogDemo(config, logger, vendors)).toEqual({ created: false, products: DEMO_PRODUCT_COUNT, categories: seeded.categories });
  });

  it('is searchable right away', async () => {
    const prisma = createCatalogPrisma(url, 2);
    try {
      const repo = createProductRepository(prisma);
      const filter = normalizeProductFilter({ search: 'hedphones' });
      if (!filter.ok) throw new Error(filter.errors[0]?.message);
      const rows = await repo.list({ scope: { statuses: ['ACTIVE'], vendorId: null }, filter: filter.value, sort: 'RELEVANCE', after: null, limit: 5 });
      const found = await repo.findByIds(rows.map((row) => row.id));
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((product) => /head/i.test(product.name) || /head/i.test(product.description))).toBe(true);
    } finally {
      await prisma.$disconnect();
    }
  });
});
