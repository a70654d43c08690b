import { randomUUID } from 'node:crypto';
import type { DemoVariant } from '../../../platform/lifecycle/subgraph-definition.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { InventoryConfig } from '../config.ts';
import { createInventoryPrisma } from './prisma.ts';

/** The two demo warehouses. */
export const DEMO_LOCATIONS = [
  { code: 'BER-1', name: 'Berlin central warehouse' },
  { code: 'AMS-1', name: 'Amsterdam fulfilment centre' },
] as const;

/**
 * Deterministic demo stock from the variant's position: most variants in both warehouses, every
 * seventh only in Berlin, every eleventh sold out, so the storefront shows each case.
 */
export function demoStockFor(index: number): { berlin: number; amsterdam: number } {
  if (index % 11 === 10) return { berlin: 0, amsterdam: 0 };
  const berlin = 5 + ((index * 7) % 40);
  return { berlin, amsterdam: index % 7 === 6 ? 0 : 3 + ((index * 13) % 25) };
}

/**
 * Demo warehouses and stock for the catalog's demo variants (given by the catalog's seed through
 * DemoFacts), when this database has no warehouse yet. Each variant's owner is the vendor that
 * sells it. Development data only.
 */
export async function seedInventoryDemo(config: InventoryConfig, logger: Logger, variants: readonly DemoVariant[]): Promise<{ created: boolean; items: number }> {
  const log = logger.child({ component: 'inventory-demo-seed' });
  const prisma = createInventoryPrisma(config.databaseUrl, 2);
  try {
    if ((await prisma.location.count()) > 0) {
      log.info('inventory already has warehouses; demo seed skipped');
      return { created: false, items: 0 };
    }
    const [berlin, amsterdam] = DEMO_LOCATIONS.map((location) => ({ id: randomUUID(), ...location }));
    if (!berlin || !amsterdam) throw new Error('two demo warehouses expected');
    const items: { id: string; variantId: string; sku: string; locationId: string; onHand: number }[] = [];
    variants.forEach((variant, index) => {
      const stock = demoStockFor(index);
      if (stock.berlin > 0) items.push({ id: randomUUID(), variantId: variant.id, sku: variant.sku, locationId: berlin.id, onHand: stock.berlin });
      if (stock.amsterdam > 0) items.push({ id: randomUUID(), variantId: variant.id, sku: variant.sku, locationId: amsterdam.id, onHand: stock.amsterdam });
    });
    await prisma.$transaction(
      async (tx) => {
        await tx.location.createMany({ data: [berlin, amsterdam] });
        await tx.variantOwner.createMany({ data: variants.map((variant) => ({ variantId: variant.id, vendorId: variant.vendorId })), skipDuplicates: true });
        await tx.stockItem.createMany({ data: items });
        await tx.stockMovement.createMany({
          data: items.map((item) => ({
            id: randomUUID(),
            variantId: item.variantId,
            locationId: item.locationId,
            kind: 'RECEIVED' as const,
            quantity: item.onHand,
            reason: 'demo opening stock',
            actor: 'demo-seed',
          })),
        });
      },
      { timeout: 60_000 },
    );
    log.info({ variants: variants.length, items: items.length }, 'inventory demo data seeded');
    return { created: true, items: items.length };
  } finally {
    await prisma.$disconnect();
  }
}
