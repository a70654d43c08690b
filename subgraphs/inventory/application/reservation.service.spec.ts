import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocate } from '../domain/allocation.ts';
import { InventoryErrorCodes } from '../domain/error-codes.ts';
import type { Location } from '../domain/stock.ts';
import { createInventoryHarness, type InventoryHarness } from '../testing/harness.ts';

let h: InventoryHarness;
let berlin: Location;
let amsterdam: Location;

beforeAll(async () => {
  // A pool as large as a production instance's, so the concurrency spec contends on the row lock, not on connections.
  h = await createInventoryHarness({ scope: 'reservations', poolSize: 20 });
  berlin = await h.location('Berlin');
  amsterdam = await h.location('Amsterdam');
});
afterAll(() => h.close());

/** What Postgres holds for a variant, per warehouse, by code. */
async function stored(variantId: string) {
  const rows = await h.prisma.stockItem.findMany({ where: { variantId }, include: { location: true } });
  return Object.fromEntries(rows.map((row) => [row.location.name, { onHand: row.onHand, reserved: row.reserved }]));
}

const movementsOf = (variantId: string) => h.prisma.stockMovement.findMany({ where: { variantId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });

describe('reserve', () => {
  it('holds units all or nothing across warehouses, fullest first', async () => {
    const variant = randomUUID();
    await h.stock(variant, berlin, 3);
    await h.stock(variant, amsterdam, 5);
    const reserved = await h.services.reservations.reserve(h.caller, `order-${randomUUID()}`, [{ variantId: variant, quantity: 6 }], 900);
    expect(reserved.ok).toBe(true);
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 3, reserved: 1 }, Amsterdam: { onHand: 5, reserved: 5 } });
    // The SQL split is the domain's policy.
    const policy = allocate(
      [
        { locationId: berlin.id, locationCode: berlin.code, onHand: 3, reserved: 0 },
        { locationId: amsterdam.id, locationCode: amsterdam.code, onHand: 5, reserved: 0 },
      ],
      6,
    );
    const held = reserved.ok ? reserved.value.allocations.map(({ locationId, quantity }) => ({ locationId, quantity })) : [];
    expect(new Set(held.map((part) => JSON.stringify(part)))).toEqual(new Set(policy?.map((part) => JSON.stringify(part))));
    const scope = h.scope();
    expect(await h.services.stock.availability(scope, variant)).toEqual({ available: 2, inStock: true });
    expect((await movementsOf(variant)).map((movement) => [movement.kind, movement.quantity])).toEqual(expect.arrayContaining([['RESERVED', 5], ['RESERVED', 1]]));
  });

  it('refuses more than is available and changes nothing, on any line', async () => {
    const plenty = randomUUID();
    const scarce = randomUUID();
    await h.stock(plenty, berlin, 10);
    await h.stock(scarce, berlin, 2);
    const reserved = await h.services.reservations.reserve(h.caller, `order-${randomUUID()}`, [{ variantId: plenty, quantity: 4 }, { variantId: scarce, quantity: 3 }], 900);
    expect(reserved.ok ? [] : reserved.errors.map((error) => error.code)).toEqual([InventoryErrorCodes.STOCK_INSUFFICIENT]);
    expect(await stored(plenty)).toEqual({ Berlin: { onHand: 10, reserved: 0 } });
    expect(await stored(scarce)).toEqual({ Berlin: { onHand: 2, reserved: 0 } });
    expect(await movementsOf(plenty)).toEqual([]);
  });

  it('refuses a variant that was never stocked', async () => {
    const reserved = await h.services.reservations.reserve(h.caller, `order-${randomUUID()}`, [{ variantId: randomUUID(), quantity: 1 }], 900);
    expect(reserved.ok ? null : reserved.errors[0]?.code).toBe(InventoryErrorCodes.STOCK_INSUFFICIENT);
  });

  it('is idempotent by reference: a retry returns the first reservation; other lines conflict', async () => {
    const variant = randomUUID();
    await h.stock(variant, berlin, 10);
    const reference = `order-${randomUUID()}`;
    const lines = [{ variantId: variant, quantity: 2 }];
    const [first, twin] = await Promise.all([
      h.services.reservations.reserve(h.caller, reference, lines, 900),
      h.services.reservations.reserve(h.caller, reference, lines, 900),
    ]);
    expect(first.ok && twin.ok && first.value.id === twin.value.id).toBe(true);
    const retry = await h.services.reservations.reserve(h.caller, reference, lines, 900);
    expect(retry.ok && first.ok && retry.value.id === first.value.id).toBe(true);
    const other = await h.services.reservations.reserve(h.caller, reference, [{ variantId: variant, quantity: 3 }], 900);
    expect(other.ok ? null : other.errors[0]?.code).toBe(InventoryErrorCodes.RESERVATION_REFERENCE_CONFLICT);
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 10, reserved: 2 } });
  });

  it('never oversells: 100 concurrent reservations for the last 10 units → exactly 10 succeed, available ends 0', async () => {
    const variant = randomUUID();
    await h.stock(variant, berlin, 6);
    await h.stock(variant, amsterdam, 4);
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () => h.services.reservations.reserve(h.caller, `order-${randomUUID()}`, [{ variantId: variant, quantity: 1 }], 900)),
    );
    const succeeded = outcomes.filter((outcome) => outcome.ok);
    const refused = outcomes.flatMap((outcome) => (outcome.ok ? [] : outcome.errors.map((error) => error.code)));
    expect(succeeded).toHaveLength(10);
    expect(refused).toEqual(Array.from({ length: 90 }, () => InventoryErrorCodes.STOCK_INSUFFICIENT));
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 6, reserved: 6 }, Amsterdam: { onHand: 4, reserved: 4 } });
    expect(await h.services.stock.availability(h.scope(), variant)).toEqual({ available: 0, inStock: false });
    expect(await h.prisma.reservation.count({ where: { allocations: { some: { variantId: variant } } } })).toBe(10);
  });
});

describe('commit and release', () => {
  async function reservedOf(quantity: number) {
    const variant = randomUUID();
    await h.stock(variant, berlin, 5);
    const reference = `order-${randomUUID()}`;
    const reserved = await h.services.reservations.reserve(h.caller, reference, [{ variantId: variant, quantity }], 900);
    if (!reserved.ok) throw new Error('setup reservation failed');
    return { variant, reference };
  }

  it('commit takes the units out of stock, once; releasing the committed order returns them on hand, once', async () => {
    const { variant, reference } = await reservedOf(2);
    const committed = await h.services.reservations.commit(h.caller, reference);
    expect(committed.ok && committed.value.status).toBe('COMMITTED');
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 3, reserved: 0 } });
    const again = await h.services.reservations.commit(h.caller, reference);
    expect(again.ok && again.value.status).toBe('COMMITTED');
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 3, reserved: 0 } });
    const release = await h.services.reservations.release(h.caller, reference);
    expect(release.ok && release.value.status).toBe('RETURNED');
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 5, reserved: 0 } });
    const releaseAgain = await h.services.reservations.release(h.caller, reference);
    expect(releaseAgain.ok && releaseAgain.value.status).toBe('RETURNED');
    const commitReturned = await h.services.reservations.commit(h.caller, reference);
    expect(commitReturned.ok ? null : commitReturned.errors[0]?.code).toBe(InventoryErrorCodes.RESERVATION_ILLEGAL_TRANSITION);
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 5, reserved: 0 } });
    expect((await movementsOf(variant)).map((movement) => [movement.kind, movement.quantity])).toEqual([
      ['RESERVED', 2],
      ['COMMITTED', -2],
      ['RETURNED', 2],
    ]);
  });

  it('commits asked on one transaction at once (an inbox batch) go as one statement, each answered as if alone', async () => {
    const variant = randomUUID();
    await h.stock(variant, berlin, 10);
    const hold = async (quantity: number) => {
      const reference = `order-${randomUUID()}`;
      if (!(await h.services.reservations.reserve(h.caller, reference, [{ variantId: variant, quantity }], 900)).ok) throw new Error('setup reservation failed');
      return reference;
    };
    const [first, second, released] = [await hold(3), await hold(4), await hold(1)];
    await h.services.reservations.release(h.caller, released);
    const unknown = `order-${randomUUID()}`;
    const statements: string[] = [];
    const outcomes = await h.db.$transaction((tx) => {
      const counted: typeof tx = {
        ...tx,
        $queryRaw: (query, ...values) => (statements.push('query'), tx.$queryRaw(query, ...values)),
        $executeRaw: (query, ...values) => (statements.push('execute'), tx.$executeRaw(query, ...values)),
      };
      // `first` twice: a command repeated under a new message id, in the same batch.
      return Promise.all([first, second, first, released, unknown].map((reference) => h.services.reservations.commit(h.caller, reference, { tx: counted })));
    });
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.value.status : outcome.errors[0]?.code))).toEqual([
      'COMMITTED',
      'COMMITTED',
      'COMMITTED',
      InventoryErrorCodes.RESERVATION_ILLEGAL_TRANSITION,
      InventoryErrorCodes.RESERVATION_NOT_FOUND,
    ]);
    expect(statements).toEqual(['query', 'execute']);
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 3, reserved: 0 } });
    const movements = (await movementsOf(variant)).map((movement) => `${movement.kind} ${movement.quantity}`);
    expect(movements.sort()).toEqual(['COMMITTED -3', 'COMMITTED -4', 'RELEASED -1', 'RESERVED 1', 'RESERVED 3', 'RESERVED 4']);
  });

  it('a release for an order never reserved leaves a tombstone: a reserve arriving later holds nothing', async () => {
    const variant = randomUUID();
    await h.stock(variant, berlin, 5);
    const reference = `order-${randomUUID()}`;
    const released = await h.services.reservations.release(h.caller, reference);
    expect(released.ok && [released.value.status, released.value.lines]).toEqual(['RELEASED', []]);
    const late = await h.services.reservations.reserve(h.caller, reference, [{ variantId: variant, quantity: 2 }], 900);
    expect(late.ok && [late.value.status, late.value.lines]).toEqual(['RELEASED', []]);
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 5, reserved: 0 } });
    expect(await movementsOf(variant)).toEqual([]);
  });

  it('release gives the units back to sale, once; a released reservation cannot be committed', async () => {
    const { variant, reference } = await reservedOf(4);
    expect((await h.services.reservations.release(h.caller, reference)).ok).toBe(true);
    expect((await h.services.reservations.release(h.caller, reference)).ok).toBe(true);
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 5, reserved: 0 } });
    const commit = await h.services.reservations.commit(h.caller, reference);
    expect(commit.ok ? null : commit.errors[0]?.code).toBe(InventoryErrorCodes.RESERVATION_ILLEGAL_TRANSITION);
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 5, reserved: 0 } });
  });

  it('an unknown reference is RESERVATION_NOT_FOUND', async () => {
    const commit = await h.services.reservations.commit(h.caller, `order-${randomUUID()}`);
    expect(commit.ok ? null : commit.errors[0]?.code).toBe(InventoryErrorCodes.RESERVATION_NOT_FOUND);
  });
});

describe('the sweeper', () => {
  it('releases ACTIVE reservations once they expire, and only those', async () => {
    const variant = randomUUID();
    await h.stock(variant, berlin, 10);
    const short = `order-${randomUUID()}`;
    const long = `order-${randomUUID()}`;
    const committed = `order-${randomUUID()}`;
    await h.services.reservations.reserve(h.caller, short, [{ variantId: variant, quantity: 1 }], 60);
    await h.services.reservations.reserve(h.caller, long, [{ variantId: variant, quantity: 2 }], 600);
    await h.services.reservations.reserve(h.caller, committed, [{ variantId: variant, quantity: 3 }], 60);
    await h.services.reservations.commit(h.caller, committed);

    h.time.advance(59_000);
    await h.sweeper.sweep();
    expect((await h.services.reservations.byReference(short))?.status).toBe('ACTIVE');

    h.time.advance(2_000);
    await h.sweeper.sweep();
    expect((await h.services.reservations.byReference(short))?.status).toBe('RELEASED');
    expect((await h.services.reservations.byReference(long))?.status).toBe('ACTIVE');
    expect((await h.services.reservations.byReference(committed))?.status).toBe('COMMITTED');
    expect(await stored(variant)).toEqual({ Berlin: { onHand: 7, reserved: 2 } });
    const released = (await movementsOf(variant)).filter((movement) => movement.kind === 'RELEASED');
    expect(released.map((movement) => [movement.actor, movement.quantity])).toEqual([['reservation-sweeper', -1]]);
  });
});
