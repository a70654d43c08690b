import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl } from '../../../platform/config/load-config.ts';
import type { DemoVariant } from '../../../platform/lifecycle/subgraph-definition.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import { dropDatabase, migrateAll } from '../../../scripts/lib/databases.ts';
import { testEnv } from '../../../test/support/test-env.ts';
import { loadInventoryConfig } from '../config.ts';
import { DEMO_LOCATIONS, demoStockFor, seedInventoryDemo } from './demo-seed.ts';
import { createInventoryPrisma } from './prisma.ts';

const vendors = [randomUUID(), randomUUID()];
const variants: DemoVariant[] = Array.from({ length: 30 }, (_, index) => ({ id: randomUUID(), sku: `DEMO-${index}`, vendorId: vendors[index % 2] as string }));

describe('demoStockFor', () => {
  it('stocks most variants in both warehouses, some in one, some sold out', () => {
    const stocks = Array.from({ length: 77 }, (_, index) => demoStockFor(index));
    expect(stocks.some((stock) => stock.berlin > 0 && stock.amsterdam > 0)).toBe(true);
    expect(stocks.some((stock) => stock.berlin > 0 && stock.amsterdam === 0)).toBe(true);
    expect(stocks.some((stock) => stock.berlin === 0 && stock.amsterdam === 0)).toBe(true);
    expect(stocks.every((stock) => stock.berlin >= 0 && stock.amsterdam >= 0)).toBe(true);
  });
});

describe('seedInventoryDemo (own database)', () => {
  const prefix = `${testEnv.TEST_DATABASE_PREFIX}seed_`;
  const url = databaseUrl(testEnv.POSTGRES_URL, `${prefix}inventory`);
  const logger = createLogger({ service: 'seed-spec', level: 'silent', pretty: false });
  const config = loadInventoryConfig({ DATABASE_URL: url });

  beforeAll(async () => {
    await dropDatabase(testEnv.POSTGRES_URL, `${prefix}inventory`);
    await migrateAll(testEnv.POSTGRES_URL, prefix, ['inventory']);
  });
  afterAll(() => dropDatabase(testEnv.POSTGRES_URL, `${prefix}inventory`));

  it('puts the demo variants in two warehouses with their vendors as owners, once', async () => {
    expect((await seedInventoryDemo(config, logger, variants)).created).toBe(true);
    const prisma = createInventoryPrisma(url, 2);
    try {
      expect((await prisma.location.findMany({ orderBy: { code: 'asc' } })).map((location) => location.code)).toEqual(DEMO_LOCATIONS.map((location) => location.code).sort());
      const items = await prisma.stockItem.findMany({ include: { location: true } });
      const expected = variants.flatMap((_, index) => {
        const stock = demoStockFor(index);
        return [stock.berlin, stock.amsterdam].filter((quantity) => quantity > 0);
      });
      expect(items).toHaveLength(expected.length);
      expect(items.every((item) => item.reserved === 0 && item.onHand > 0)).toBe(true);
      const owners = await prisma.variantOwner.findMany();
      expect(new Map(owners.map((owner) => [owner.variantId, owner.vendorId]))).toEqual(new Map(variants.map((variant) => [variant.id, variant.vendorId])));
      expect(await prisma.stockMovement.count({ where: { kind: 'RECEIVED' } })).toBe(items.length);
      expect((await seedInventoryDemo(config, logger, variants)).created).toBe(false);
      expect(await prisma.stockItem.count()).toBe(items.length);
    } finally {
      await prisma.$disconnect();
    }
  });
});
