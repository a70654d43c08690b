import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { createInventoryApp } from './services.ts';
import { InventoryErrorCodes } from '../domain/error-codes.ts';
import type { Location } from '../domain/stock.ts';
import { createInventoryHarness, type InventoryHarness } from '../testing/harness.ts';

let h: InventoryHarness;
let berlin: Location;

const admin: Viewer = { userId: randomUUID(), role: 'ADMIN', vendorId: null };
const vendor = (vendorId = randomUUID()): Viewer => ({ userId: randomUUID(), role: 'VENDOR', vendorId });

beforeAll(async () => {
  h = await createInventoryHarness({ scope: 'stock' });
  berlin = await h.location('Berlin');
});
afterAll(() => h.close());

const storedItem = (variantId: string) => h.prisma.stockItem.findMany({ where: { variantId }, select: { onHand: true, reserved: true } });
const storedOwner = async (variantId: string) => (await h.prisma.variantOwner.findUnique({ where: { variantId } }))?.vendorId ?? null;
const codeOf = (error: unknown) => (error instanceof GraphQLError ? error.extensions.code : error);

describe('receive', () => {
  it('an admin must name the vendor on a first receipt; nothing is stored until it does', async () => {
    const variantId = randomUUID();
    const missing = await h.services.stock.receive(h.scope(admin), { variantId, locationCode: berlin.code, quantity: 3, reason: 'delivery' });
    expect(missing.ok ? [] : missing.errors.map((error) => error.code)).toEqual([InventoryErrorCodes.STOCK_VENDOR_REQUIRED]);
    expect(await storedItem(variantId)).toEqual([]);
    expect(await storedOwner(variantId)).toBeNull();

    const owner = vendor();
    const named = await h.services.stock.receive(h.scope(admin), { variantId, locationCode: berlin.code, quantity: 3, reason: 'delivery', vendorId: owner.vendorId });
    expect(named.ok && named.value.available).toBe(3);
    expect(await storedOwner(variantId)).toBe(owner.vendorId);
    // The owner now adjusts it; another vendor may not.
    expect((await h.services.stock.adjust(h.scope(owner), { variantId, locationCode: berlin.code, delta: -1, reason: 'broken' })).ok).toBe(true);
    await expect(h.services.stock.adjust(h.scope(vendor()), { variantId, locationCode: berlin.code, delta: -1, reason: 'x' }).catch(codeOf)).resolves.toBe('FORBIDDEN');
    expect(await storedItem(variantId)).toEqual([{ onHand: 2, reserved: 0 }]);
  });

  it('two vendors racing for the first receipt of a variant: exactly one owns it', async () => {
    const variantId = randomUUID();
    const [a, b] = [vendor(), vendor()];
    const outcomes = await Promise.allSettled([
      h.services.stock.receive(h.scope(a), { variantId, locationCode: berlin.code, quantity: 4, reason: 'mine' }),
      h.services.stock.receive(h.scope(b), { variantId, locationCode: berlin.code, quantity: 9, reason: 'mine too' }),
    ]);
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value.ok);
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [codeOf(outcome.reason)] : []));
    expect(won).toHaveLength(1);
    expect(refused).toEqual(['FORBIDDEN']);
    const owner = await storedOwner(variantId);
    expect(await storedItem(variantId)).toEqual([{ onHand: owner === a.vendorId ? 4 : 9, reserved: 0 }]);
  });

  it('an unknown warehouse is LOCATION_NOT_FOUND', async () => {
    const result = await h.services.stock.receive(h.scope(vendor()), { variantId: randomUUID(), locationCode: 'NOWHERE-9', quantity: 1, reason: 'x' });
    expect(result.ok ? null : result.errors[0]?.code).toBe(InventoryErrorCodes.LOCATION_NOT_FOUND);
  });
});

describe('adjust', () => {
  it('never takes on hand below what is reserved', async () => {
    const owner = vendor();
    const variantId = randomUUID();
    await h.stock(variantId, berlin, 5, owner.vendorId ?? undefined);
    expect((await h.services.reservations.reserve(h.caller, `order-${randomUUID()}`, [{ variantId, quantity: 3 }], 600)).ok).toBe(true);
    const below = await h.services.stock.adjust(h.scope(owner), { variantId, locationCode: berlin.code, delta: -3, reason: 'stock take' });
    expect(below.ok ? null : below.errors[0]?.code).toBe(InventoryErrorCodes.STOCK_BELOW_RESERVED);
    expect(await storedItem(variantId)).toEqual([{ onHand: 5, reserved: 3 }]);
    const fine = await h.services.stock.adjust(h.scope(owner), { variantId, locationCode: berlin.code, delta: -2, reason: 'stock take' });
    expect(fine.ok && fine.value).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
  });
});

describe('idempotency keys', () => {
  it('a retry (even at the same time) returns the first result and moves stock once; another request under the key is refused', async () => {
    const owner = vendor();
    const variantId = randomUUID();
    const key = `receipt-${randomUUID()}`;
    const input = { variantId, locationCode: berlin.code, quantity: 5, reason: 'delivery 7', idempotencyKey: key };
    const [first, twin] = await Promise.all([h.services.stock.receive(h.scope(owner), input), h.services.stock.receive(h.scope(owner), input)]);
    expect(first).toEqual(twin);
    expect(first.ok && first.value.onHand).toBe(5);
    const retry = await h.services.stock.receive(h.scope(owner), input);
    expect(retry).toEqual(first);
    const other = await h.services.stock.receive(h.scope(owner), { ...input, quantity: 6 });
    expect(other.ok ? null : other.errors.map((error) => [error.code, error.field?.join('.')])).toEqual([
      [InventoryErrorCodes.STOCK_IDEMPOTENCY_KEY_REUSED, 'input.idempotencyKey'],
    ]);
    expect(await storedItem(variantId)).toEqual([{ onHand: 5, reserved: 0 }]);
    expect(await h.prisma.stockMovement.count({ where: { variantId } })).toBe(1);
    // Keys are per caller: another admin's identical key is its own.
    const byAdmin = await h.services.stock.adjust(h.scope(admin), { variantId, locationCode: berlin.code, delta: 1, reason: 'found one', idempotencyKey: key });
    expect(byAdmin.ok && byAdmin.value.onHand).toBe(6);
  });

  it('a refused change does not use up its key', async () => {
    const owner = vendor();
    const variantId = randomUUID();
    await h.stock(variantId, berlin, 2, owner.vendorId ?? undefined);
    const key = `adjust-${randomUUID()}`;
    const refused = await h.services.stock.adjust(h.scope(owner), { variantId, locationCode: berlin.code, delta: -3, reason: 'stock take', idempotencyKey: key });
    expect(refused.ok ? null : refused.errors[0]?.code).toBe(InventoryErrorCodes.STOCK_BELOW_RESERVED);
    expect(await h.prisma.stockRequest.count({ where: { key } })).toBe(0);
    const corrected = await h.services.stock.adjust(h.scope(owner), { variantId, locationCode: berlin.code, delta: -1, reason: 'stock take', idempotencyKey: key });
    expect(corrected.ok && corrected.value.onHand).toBe(1);
  });
});

describe('availability', () => {
  it('is one query for every variant a request asks about', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await h.stock(ids[0] as string, berlin, 2);
    await h.stock(ids[1] as string, berlin, 6);
    let queries = 0;
    const app = createInventoryApp({
      ...h.deps,
      stock: { ...h.deps.stock, availableByVariant: (variantIds) => ((queries += 1), h.deps.stock.availableByVariant(variantIds)) },
    });
    const scope = app.scopeFor(h.request());
    const read = await Promise.all(ids.map((id) => app.services.stock.availability(scope, id)));
    expect(read).toEqual([
      { available: 2, inStock: true },
      { available: 6, inStock: true },
      { available: 0, inStock: false },
    ]);
    expect(queries).toBe(1);
  });
});
