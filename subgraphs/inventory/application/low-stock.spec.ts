import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { lowStockChange } from '../domain/low-stock.ts';
import type { Location } from '../domain/stock.ts';
import { createInventoryHarness, type InventoryHarness } from '../testing/harness.ts';

let h: InventoryHarness;
let berlin: Location;
let amsterdam: Location;

const admin: Viewer = { userId: randomUUID(), role: 'ADMIN', vendorId: null };
const vendor = (vendorId = randomUUID()): Viewer => ({ userId: randomUUID(), role: 'VENDOR', vendorId });
const codeOf = (error: unknown) => (error instanceof GraphQLError ? error.extensions.code : error);

beforeAll(async () => {
  h = await createInventoryHarness({ scope: 'low-stock' });
  berlin = await h.location('Berlin');
  amsterdam = await h.location('Amsterdam');
});
afterAll(() => h.close());

/** The inventory.low_stock events raised for a variant, oldest first: [available, threshold]. */
const alerts = async (variantId: string) =>
  (
    await h.prisma.$queryRaw<{ available: number; threshold: number }[]>`
      SELECT (payload->>'available')::int AS available, (payload->>'threshold')::int AS threshold FROM outbox_message
      WHERE type = 'inventory.low_stock' AND payload->>'variantId' = ${variantId} ORDER BY occurred_at, id`
  ).map((row) => [row.available, row.threshold]);

describe('the crossing rule', () => {
  it.each([
    { wasLow: false, available: 6, threshold: 5, change: 'none' },
    { wasLow: false, available: 5, threshold: 5, change: 'raise' },
    { wasLow: false, available: 0, threshold: 0, change: 'raise' },
    { wasLow: true, available: 3, threshold: 5, change: 'none' },
    { wasLow: true, available: 6, threshold: 5, change: 'rearm' },
    { wasLow: false, available: 1, threshold: 0, change: 'none' },
  ] as const)('was low $wasLow, available $available, threshold $threshold: $change', ({ wasLow, available, threshold, change }) => {
    expect(lowStockChange(wasLow, available, threshold)).toBe(change);
  });
});

describe('inventory.low_stock', () => {
  it('is raised once per crossing of the default threshold, re-armed when availability rises above it, by every kind of change', async () => {
    const variantId = randomUUID();
    const owner = vendor();
    const receive = (quantity: number, location = berlin) => h.services.stock.receive(h.scope(owner), { variantId, locationCode: location.code, quantity, reason: 'delivery' });
    expect((await receive(8)).ok).toBe(true);
    expect(await alerts(variantId)).toEqual([]);
    // A reservation takes it to 5 = the default threshold: one alert.
    const first = `order-${randomUUID()}`;
    expect((await h.services.reservations.reserve(h.caller, first, [{ variantId, quantity: 3 }], 600)).ok).toBe(true);
    expect(await alerts(variantId)).toEqual([[5, h.lowStockThreshold]]);
    // Further down: still low, no second alert.
    expect((await h.services.stock.adjust(h.scope(owner), { variantId, locationCode: berlin.code, delta: -2, reason: 'broken' })).ok).toBe(true);
    expect(await alerts(variantId)).toEqual([[5, 5]]);
    // A release brings it back above (3 + 3 = 6): re-armed, no alert.
    expect((await h.services.reservations.release(h.caller, first)).ok).toBe(true);
    expect(await alerts(variantId)).toEqual([[5, 5]]);
    expect((await h.prisma.stockAlert.findUnique({ where: { variantId } }))?.low).toBe(false);
    // Stock in a second warehouse counts too; the next fall raises again.
    expect((await receive(4, amsterdam)).ok).toBe(true);
    expect((await h.services.reservations.reserve(h.caller, `order-${randomUUID()}`, [{ variantId, quantity: 6 }], 600)).ok).toBe(true);
    expect(await alerts(variantId)).toEqual([
      [5, 5],
      [4, 5],
    ]);
  });

  it('setLowStockThreshold: the owner or an admin; a threshold at or above availability raises at once, once', async () => {
    const variantId = randomUUID();
    const owner = vendor();
    expect((await h.services.stock.receive(h.scope(owner), { variantId, locationCode: berlin.code, quantity: 12, reason: 'delivery' })).ok).toBe(true);
    await expect(h.services.stock.setLowStockThreshold(h.scope(vendor()), { variantId, threshold: 20 }).catch(codeOf)).resolves.toBe('FORBIDDEN');
    expect(await h.prisma.stockAlert.findUnique({ where: { variantId } })).toMatchObject({ threshold: null, low: false });

    const invalid = await h.services.stock.setLowStockThreshold(h.scope(owner), { variantId, threshold: -1 });
    expect(invalid.ok ? [] : invalid.errors.map((error) => error.code)).toEqual(['VALIDATION_FAILED']);

    const raised = await h.services.stock.setLowStockThreshold(h.scope(owner), { variantId, threshold: 12 });
    expect(raised.ok && raised.value).toEqual({ variantId, threshold: 12, available: 12, low: true });
    expect(await alerts(variantId)).toEqual([[12, 12]]);
    const again = await h.services.stock.setLowStockThreshold(h.scope(admin), { variantId, threshold: 15 });
    expect(again.ok && again.value.low).toBe(true);
    expect(await alerts(variantId)).toEqual([[12, 12]]);
    // Lowered below availability: re-armed.
    const lowered = await h.services.stock.setLowStockThreshold(h.scope(owner), { variantId, threshold: 2 });
    expect(lowered.ok && lowered.value).toEqual({ variantId, threshold: 2, available: 12, low: false });
  });
});

describe('stored idempotency outcomes', () => {
  it('are deleted once older than the retention age, in bounded batches', async () => {
    const actor = `spec-${randomUUID()}`;
    const old = new Date(Date.now() - 100 * 3_600_000);
    for (let i = 0; i < 3; i += 1) {
      await h.prisma.stockRequest.create({ data: { actor, key: `old-${i}`, requestHash: 'h', result: {}, createdAt: old } });
    }
    await h.prisma.stockRequest.create({ data: { actor, key: 'fresh', requestHash: 'h', result: {} } });
    const cutoff = new Date(Date.now() - 72 * 3_600_000);
    expect(await h.deps.stock.deleteStoredOutcomes(cutoff, 2)).toBe(2);
    expect(await h.deps.stock.deleteStoredOutcomes(cutoff, 2)).toBe(1);
    expect((await h.prisma.stockRequest.findMany({ where: { actor }, select: { key: true } })).map((row) => row.key)).toEqual(['fresh']);
  });
});
