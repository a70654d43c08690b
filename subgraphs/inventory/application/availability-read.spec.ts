import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInventoryHarness, type InventoryHarness } from '../testing/harness.ts';
import { availabilityReadBody, createAvailabilityRead } from './availability-read.ts';

let h: InventoryHarness;
beforeAll(async () => {
  h = await createInventoryHarness({ scope: 'availability-read' });
});
afterAll(async () => {
  await h?.close();
});

describe('inventory availability read (POST /internal/availability)', () => {
  const read = () => createAvailabilityRead({ stock: h.deps.stock });

  it('sums available units over warehouses, minus reserved, and answers 0 for a variant never stocked', async () => {
    const [berlin, hamburg] = [await h.location('Berlin'), await h.location('Hamburg')];
    const stocked = randomUUID();
    const vendorId = randomUUID();
    await h.stock(stocked, berlin, 5, vendorId);
    await h.stock(stocked, hamburg, 3, vendorId);
    await h.prisma.stockItem.updateMany({ where: { variantId: stocked, locationId: hamburg.id }, data: { reserved: 2 } });
    const never = randomUUID();
    const answer = await read().read({ variantIds: [stocked.toUpperCase(), never, stocked] });
    expect(answer.availability).toEqual([
      { variantId: stocked, available: 6 },
      { variantId: never, available: 0 },
    ]);
  });

  it('refuses a body with more than 100 ids or ids that are not UUIDs', () => {
    expect(availabilityReadBody.safeParse({ variantIds: Array.from({ length: 101 }, () => randomUUID()) }).success).toBe(false);
    expect(availabilityReadBody.safeParse({ variantIds: ['nope'] }).success).toBe(false);
    expect(availabilityReadBody.safeParse({ variantIds: [randomUUID()] }).success).toBe(true);
  });
});
