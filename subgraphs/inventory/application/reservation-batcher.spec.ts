import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockReservedV1, stockReservationFailedV1 } from '../../../contracts/inventory.ts';
import { outboxEntry } from '../../../platform/messaging/outbox.ts';
import type { Location } from '../domain/stock.ts';
import { createReservationRepository, type ReserveItem, type ReserveOutcome } from '../infra/reservation.repository.ts';
import { createInventoryHarness, type InventoryHarness } from '../testing/harness.ts';
import { createReservationBatcher } from './reservation-batcher.ts';

let h: InventoryHarness;
let berlin: Location;
let amsterdam: Location;

beforeAll(async () => {
  h = await createInventoryHarness({ scope: 'batcher', poolSize: 6 });
  berlin = await h.location('Berlin');
  amsterdam = await h.location('Amsterdam');
});
afterAll(() => h.close());

async function stored(variantId: string) {
  const rows = await h.prisma.stockItem.findMany({ where: { variantId }, include: { location: true } });
  return Object.fromEntries(rows.map((row) => [row.location.name, { onHand: row.onHand, reserved: row.reserved }]));
}

/** A reservation request of one batch, answering through the outbox like the saga does. */
function item(reference: string, lines: { variantId: string; quantity: number }[]): ReserveItem {
  return {
    request: { reference, lines: [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1)), ttlSeconds: 600 },
    expiresAt: new Date(Date.now() + 600_000),
    actor: 'spec-batcher',
    correlationId: `corr-${reference}`,
    replies: (outcome: ReserveOutcome) => [
      outcome.kind === 'INSUFFICIENT'
        ? outboxEntry(stockReservationFailedV1, { orderId: reference, reason: 'STOCK_INSUFFICIENT', shortages: outcome.shortages }, `corr-${reference}`)
        : outboxEntry(stockReservedV1, { orderId: reference, reservationId: outcome.reservation.id, expiresAt: outcome.reservation.expiresAt.toISOString() }, `corr-${reference}`),
    ],
  };
}

const repliesTo = async (orderIds: string[]) =>
  Object.fromEntries(
    (await h.prisma.$queryRaw<{ orderId: string; type: string }[]>`
      SELECT payload->>'orderId' AS "orderId", type FROM outbox_message WHERE payload->>'orderId' = ANY(${orderIds}::text[])`).map((row) => [row.orderId, row.type]),
  );

describe('one batch, each reservation all or nothing', () => {
  it('holds, refuses and finds within one transaction, later reservations seeing earlier holds', async () => {
    const hot = randomUUID();
    const other = randomUUID();
    await h.stock(hot, berlin, 3);
    await h.stock(hot, amsterdam, 2);
    await h.stock(other, berlin, 10);
    const [a, b, c, d, e, existing] = Array.from({ length: 6 }, () => randomUUID());
    if (!a || !b || !c || !d || !e || !existing) throw new Error('ids');
    // Made before the batch: the batch must find it and hold nothing more for it.
    const first = await h.deps.reservations.reserveBatch([item(existing, [{ variantId: other, quantity: 1 }])]);
    expect(first[0]?.kind).toBe('RESERVED');

    const outcomes = await h.deps.reservations.reserveBatch([
      item(a, [{ variantId: hot, quantity: 3 }]), // held: 3 of 5
      item(b, [{ variantId: hot, quantity: 3 }]), // only 2 left after a: refused
      item(c, [{ variantId: other, quantity: 4 }, { variantId: hot, quantity: 3 }]), // hot short: nothing held, not even `other`
      item(d, [{ variantId: hot, quantity: 2 }, { variantId: other, quantity: 5 }]), // the last 2 of hot, and 5 of other
      item(existing, [{ variantId: other, quantity: 1 }]), // a retry: found, nothing more held
      item(e, [{ variantId: hot, quantity: 1 }]), // nothing left
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['RESERVED', 'INSUFFICIENT', 'INSUFFICIENT', 'RESERVED', 'EXISTS', 'INSUFFICIENT']);
    expect(outcomes[1]).toEqual({ kind: 'INSUFFICIENT', shortages: [{ variantId: hot, requested: 3, available: 2 }] });
    expect(outcomes[2]).toEqual({ kind: 'INSUFFICIENT', shortages: [{ variantId: hot, requested: 3, available: 2 }] });
    expect(outcomes[5]).toEqual({ kind: 'INSUFFICIENT', shortages: [{ variantId: hot, requested: 1, available: 0 }] });
    // a took the fuller warehouse (Berlin, 3); d the rest (Amsterdam, 2).
    expect(outcomes[0]?.kind === 'RESERVED' && outcomes[0].reservation.allocations).toEqual([{ variantId: hot, locationId: berlin.id, quantity: 3 }]);
    expect(await stored(hot)).toEqual({ Berlin: { onHand: 3, reserved: 3 }, Amsterdam: { onHand: 2, reserved: 2 } });
    expect(await stored(other)).toEqual({ Berlin: { onHand: 10, reserved: 6 } });
    // Refused references leave no row behind (a corrected retry may use them), held ones do.
    const rows = await h.prisma.reservation.findMany({ where: { reference: { in: [a, b, c, d, e] } }, select: { reference: true } });
    expect(rows.map((row) => row.reference).sort()).toEqual([a, d].sort());
    // Every request answered in the batch's transaction, once.
    expect(await repliesTo([a, b, c, d, e])).toEqual({
      [a]: 'inventory.stock_reserved',
      [b]: 'inventory.reservation_failed',
      [c]: 'inventory.reservation_failed',
      [d]: 'inventory.stock_reserved',
      [e]: 'inventory.reservation_failed',
    });
  });

  it('writes nothing, replies included, when the batch fails', async () => {
    const variant = randomUUID();
    await h.stock(variant, berlin, 5);
    const reference = randomUUID();
    const broken: ReserveItem = { ...item(reference, [{ variantId: variant, quantity: 1 }]), replies: () => [outboxEntry(stockReservedV1, { orderId: 'not-a-uuid', reservationId: randomUUID(), expiresAt: new Date().toISOString() }, 'x')] };
    await expect(h.deps.reservations.reserveBatch([broken])).rejects.toThrow();
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 5, reserved: 0 } });
    expect(await h.prisma.reservation.count({ where: { reference } })).toBe(0);
  });
});

describe('the batcher', () => {
  it('groups requests that arrive together into one transaction, one per reference, and answers each', async () => {
    const variant = randomUUID();
    await h.stock(variant, berlin, 12);
    const sizes: number[] = [];
    const repository = createReservationRepository(h.prisma, { lowStockThreshold: h.lowStockThreshold });
    const batcher = createReservationBatcher({
      reservations: { reserveBatch: (items) => (sizes.push(items.length), repository.reserveBatch(items)) },
      logger: h.logger,
      maxBatch: 200,
      tickMs: 50,
    });
    const twice = randomUUID();
    const references = [twice, twice, ...Array.from({ length: 12 }, () => randomUUID())];
    const outcomes = await Promise.all(references.map((reference) => batcher.reserve(item(reference, [{ variantId: variant, quantity: 1 }]))));
    await batcher.stop();
    // 13 distinct references in the first batch (12 held, the last refused); the second request for
    // `twice` waits for the next batch and finds the first's reservation.
    expect(sizes).toEqual([13, 1]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['RESERVED', 'EXISTS', ...Array<string>(11).fill('RESERVED'), 'INSUFFICIENT']);
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 12, reserved: 12 } });
  });
});
