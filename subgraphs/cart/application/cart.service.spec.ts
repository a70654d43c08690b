import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import type { Result } from '../../../platform/errors/result.ts';
import { CartErrorCodes } from '../domain/error-codes.ts';
import { createCartHarness, SPEC_GUEST_CART_TTL_MS, type CartHarness } from '../testing/harness.ts';
import type { CartChange } from './cart.service.ts';
import { createGuestCartSweeper } from './guest-cart-sweeper.ts';

let h: CartHarness;
beforeAll(() => {
  h = createCartHarness({ scope: 'cart-service' });
});
afterAll(async () => {
  await h?.close();
});

const value = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(`expected success, got ${result.errors.map((e) => e.code).join(', ')}`);
  return result.value;
};
const codes = (result: Result<unknown>) => (result.ok ? [] : result.errors.map((error) => error.code));

/** The stored lines of a customer's cart, straight from Postgres. */
const storedLines = (customer: Viewer) => h.storedLines({ customerId: customer.userId });

describe('a customer’s cart', () => {
  it('adds lines from two vendors, adds quantities of the same variant, and totals per vendor and overall at catalog’s prices', async () => {
    const me = h.customer();
    const [vendorA, vendorB] = [randomUUID(), randomUUID()];
    const shirt = h.owners.variant({ vendorId: vendorA, amount: 2_000 });
    const mug = h.owners.variant({ vendorId: vendorB, amount: 750 });
    value(await h.services.carts.addLine(h.scope(me), { variantId: shirt.id, quantity: 1 }));
    value(await h.services.carts.addLine(h.scope(me), { variantId: shirt.id.toUpperCase(), quantity: 2 }));
    const { cart, cartToken } = value(await h.services.carts.addLine(h.scope(me), { variantId: mug.id, quantity: 4 }));
    expect(cartToken).toBeNull();
    expect(cart.lines.map((line) => [line.variantId, line.quantity, line.lineTotal.amount])).toEqual([
      [shirt.id, 3, 6_000],
      [mug.id, 4, 3_000],
    ]);
    expect(cart.vendors).toEqual([
      { vendorId: vendorA, quantity: 3, subtotal: { amount: 6_000, currency: 'EUR' } },
      { vendorId: vendorB, quantity: 4, subtotal: { amount: 3_000, currency: 'EUR' } },
    ]);
    expect(cart.subtotal).toEqual({ amount: 9_000, currency: 'EUR' });
    expect(cart.currency).toBe('EUR');
    expect(await storedLines(me)).toEqual([
      { variantId: shirt.id, quantity: 3 },
      { variantId: mug.id, quantity: 4 },
    ]);
    expect((await h.services.carts.myCart(h.scope(me)))?.totalQuantity).toBe(7);
  });

  it('refuses quantity 0, negative, absurd and a sum over 99 with CART_QUANTITY_INVALID, storing nothing', async () => {
    const me = h.customer();
    const shirt = h.owners.variant();
    for (const quantity of [0, -1, 1_000_000, 100, 1.5]) {
      expect(codes(await h.services.carts.addLine(h.scope(me), { variantId: shirt.id, quantity }))).toEqual([CartErrorCodes.CART_QUANTITY_INVALID]);
    }
    expect(await storedLines(me)).toEqual([]);
    value(await h.services.carts.addLine(h.scope(me), { variantId: shirt.id, quantity: 60 }));
    expect(codes(await h.services.carts.addLine(h.scope(me), { variantId: shirt.id, quantity: 40 }))).toEqual([CartErrorCodes.CART_QUANTITY_INVALID]);
    expect(codes(await h.services.carts.updateLine(h.scope(me), { variantId: shirt.id, quantity: 0 }))).toEqual([CartErrorCodes.CART_QUANTITY_INVALID]);
    expect(await storedLines(me)).toEqual([{ variantId: shirt.id, quantity: 60 }]);
  });

  it('refuses an unknown variant, one not on sale and one in another currency, changing nothing', async () => {
    const me = h.customer();
    const euro = h.owners.variant({ currency: 'EUR' });
    value(await h.services.carts.addLine(h.scope(me), { variantId: euro.id, quantity: 1 }));
    expect(codes(await h.services.carts.addLine(h.scope(me), { variantId: randomUUID(), quantity: 1 }))).toEqual([CartErrorCodes.CART_VARIANT_NOT_FOUND]);
    expect(codes(await h.services.carts.addLine(h.scope(me), { variantId: 'not-a-uuid', quantity: 1 }))).toEqual([CartErrorCodes.CART_VARIANT_NOT_FOUND]);
    const suspended = h.owners.variant({ onSale: false });
    expect(codes(await h.services.carts.addLine(h.scope(me), { variantId: suspended.id, quantity: 1 }))).toEqual([CartErrorCodes.CART_VARIANT_NOT_ON_SALE]);
    const dollars = h.owners.variant({ currency: 'USD' });
    expect(codes(await h.services.carts.addLine(h.scope(me), { variantId: dollars.id, quantity: 1 }))).toEqual([CartErrorCodes.CART_CURRENCY_MISMATCH]);
    expect(await storedLines(me)).toEqual([{ variantId: euro.id, quantity: 1 }]);
  });

  it('takes another currency once the cart is empty again', async () => {
    const me = h.customer();
    const euro = h.owners.variant({ currency: 'EUR' });
    const dollars = h.owners.variant({ currency: 'USD' });
    value(await h.services.carts.addLine(h.scope(me), { variantId: euro.id, quantity: 1 }));
    const emptied = value(await h.services.carts.removeLine(h.scope(me), { variantId: euro.id }));
    expect(emptied.cart.currency).toBeNull();
    expect(emptied.cart.subtotal).toBeNull();
    const { cart } = value(await h.services.carts.addLine(h.scope(me), { variantId: dollars.id, quantity: 2 }));
    expect(cart.currency).toBe('USD');
  });

  it('holds at most 100 lines (CART_TOO_MANY_LINES) but still adds to a line it has', async () => {
    const me = h.customer();
    const variants = Array.from({ length: 100 }, () => h.owners.variant());
    for (const variant of variants) value(await h.services.carts.addLine(h.scope(me), { variantId: variant.id, quantity: 1 }));
    const extra = h.owners.variant();
    expect(codes(await h.services.carts.addLine(h.scope(me), { variantId: extra.id, quantity: 1 }))).toEqual([CartErrorCodes.CART_TOO_MANY_LINES]);
    const { cart } = value(await h.services.carts.addLine(h.scope(me), { variantId: variants[0]!.id, quantity: 1 }));
    expect(cart.lines).toHaveLength(100);
    expect((await storedLines(me)).length).toBe(100);
  }, 60_000);

  it('updates and removes lines; removing a line that is not there succeeds and changes nothing', async () => {
    const me = h.customer();
    const shirt = h.owners.variant();
    value(await h.services.carts.addLine(h.scope(me), { variantId: shirt.id, quantity: 2 }));
    expect(value(await h.services.carts.updateLine(h.scope(me), { variantId: shirt.id, quantity: 5 })).cart.lines[0]?.quantity).toBe(5);
    expect(codes(await h.services.carts.updateLine(h.scope(me), { variantId: randomUUID(), quantity: 1 }))).toEqual([CartErrorCodes.CART_LINE_NOT_FOUND]);
    expect(value(await h.services.carts.removeLine(h.scope(me), { variantId: randomUUID() })).cart.lines).toHaveLength(1);
    expect(value(await h.services.carts.removeLine(h.scope(me), { variantId: shirt.id })).cart.lines).toEqual([]);
    expect(await storedLines(me)).toEqual([]);
  });

  it('lets a line of a product taken off sale be lowered, not raised', async () => {
    const me = h.customer();
    const shirt = h.owners.variant();
    value(await h.services.carts.addLine(h.scope(me), { variantId: shirt.id, quantity: 5 }));
    h.owners.setOnSale(shirt.id, false);
    expect(codes(await h.services.carts.updateLine(h.scope(me), { variantId: shirt.id, quantity: 6 }))).toEqual([CartErrorCodes.CART_VARIANT_NOT_ON_SALE]);
    value(await h.services.carts.updateLine(h.scope(me), { variantId: shirt.id, quantity: 2 }));
    expect(await storedLines(me)).toEqual([{ variantId: shirt.id, quantity: 2 }]);
  });

  it('refuses a cart token from a signed-in caller (their own cart is meant)', async () => {
    const shirt = h.owners.variant();
    const result = await h.services.carts.addLine(h.scope(h.customer()), { variantId: shirt.id, quantity: 1, cartToken: 'x'.repeat(43) });
    expect(codes(result)).toEqual([CartErrorCodes.CART_TOKEN_NOT_EXPECTED]);
  });
});

describe('prices, availability and warnings', () => {
  it('prices the cart with catalog’s current price and warns PRICE_CHANGED, LOW_AVAILABILITY, OUT_OF_STOCK, NO_LONGER_ON_SALE without failing', async () => {
    const me = h.customer();
    const vendorId = randomUUID();
    const shirt = h.owners.variant({ vendorId, amount: 1_000, stock: 10 });
    const mug = h.owners.variant({ vendorId, amount: 500, stock: 10 });
    const hat = h.owners.variant({ vendorId, amount: 300, stock: 10 });
    for (const variant of [shirt, mug, hat]) value(await h.services.carts.addLine(h.scope(me), { variantId: variant.id, quantity: 3 }));
    const fresh = await h.services.carts.myCart(h.scope(me));
    expect(fresh?.lines.map((line) => line.warnings)).toEqual([[], [], []]);

    h.owners.setPrice(shirt.id, 1_200);
    h.owners.setStock(mug.id, 2);
    h.owners.setStock(hat.id, 0);
    h.owners.setOnSale(hat.id, false);
    const cart = await h.services.carts.myCart(h.scope(me));
    expect(cart?.lines.map((line) => [line.variantId, line.warnings])).toEqual([
      [shirt.id, ['PRICE_CHANGED']],
      [mug.id, ['LOW_AVAILABILITY']],
      [hat.id, ['OUT_OF_STOCK', 'NO_LONGER_ON_SALE']],
    ]);
    expect(cart?.lines[0]).toMatchObject({ unitPrice: { amount: 1_200 }, priceWhenAdded: { amount: 1_000 }, lineTotal: { amount: 3_600 } });
    expect(cart?.lines[1]?.available).toBe(2);
    // The hat cannot be bought: shown, but out of the totals.
    expect(cart?.subtotal).toEqual({ amount: 3_600 + 1_500, currency: 'EUR' });
    expect(cart?.vendors).toEqual([{ vendorId, quantity: 6, subtotal: { amount: 5_100, currency: 'EUR' } }]);

    // Setting the line again means the shopper saw the new price.
    const updated = value(await h.services.carts.updateLine(h.scope(me), { variantId: shirt.id, quantity: 4 }));
    expect(updated.cart.lines[0]?.warnings).toEqual([]);
  });

  it('asks catalog and inventory once per request for all of a cart’s lines', async () => {
    const me = h.customer();
    const variants = [h.owners.variant(), h.owners.variant(), h.owners.variant()];
    for (const variant of variants) value(await h.services.carts.addLine(h.scope(me), { variantId: variant.id, quantity: 1 }));
    const before = { catalog: h.owners.calls.catalog.length, inventory: h.owners.calls.inventory.length };
    await h.services.carts.myCart(h.scope(me));
    expect(h.owners.calls.catalog.slice(before.catalog)).toEqual([variants.map((variant) => variant.id)]);
    expect(h.owners.calls.inventory.slice(before.inventory)).toEqual([variants.map((variant) => variant.id)]);
    // A new request asks again: nothing is kept between requests.
    await h.services.carts.myCart(h.scope(me));
    expect(h.owners.calls.catalog.length).toBe(before.catalog + 2);
  });
});

describe('guest carts', () => {
  it('are created by the first add, which returns the token once; the token reads and changes the cart; only its hash is stored', async () => {
    const shirt = h.owners.variant();
    const first = value(await h.services.carts.addLine(h.scope(), { variantId: shirt.id, quantity: 2 }));
    const token = first.cartToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = value(await h.services.carts.addLine(h.scope(), { variantId: shirt.id, quantity: 1, cartToken: token }));
    expect(again.cartToken).toBeNull();
    expect(again.cart.id).toBe(first.cart.id);
    expect((await h.services.carts.guestCart(h.scope(), token!))?.lines[0]?.quantity).toBe(3);
    const row = await h.storedCart(first.cart.id);
    expect(row?.tokenHash).not.toContain(token);
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.customerId).toBeNull();
  });

  it('answers an unknown or malformed token as not found, and refuses changes through it', async () => {
    const shirt = h.owners.variant();
    expect(await h.services.carts.guestCart(h.scope(), 'A'.repeat(43))).toBeNull();
    expect(await h.services.carts.guestCart(h.scope(), 'short')).toBeNull();
    expect(codes(await h.services.carts.addLine(h.scope(), { variantId: shirt.id, quantity: 1, cartToken: 'A'.repeat(43) }))).toEqual([CartErrorCodes.CART_NOT_FOUND]);
    expect(codes(await h.services.carts.updateLine(h.scope(), { variantId: shirt.id, quantity: 1 }))).toEqual([CartErrorCodes.CART_NOT_FOUND]);
  });

  it('expire after GUEST_CART_TTL_HOURS without a change (reads then miss), and the sweeper deletes them', async () => {
    const shirt = h.owners.variant();
    const { cart, cartToken } = value(await h.services.carts.addLine(h.scope(), { variantId: shirt.id, quantity: 1 }));
    h.time.advance(SPEC_GUEST_CART_TTL_MS - 60_000);
    // A change extends its life.
    value(await h.services.carts.addLine(h.scope(), { variantId: shirt.id, quantity: 1, cartToken }));
    h.time.advance(SPEC_GUEST_CART_TTL_MS - 60_000);
    expect(await h.services.carts.guestCart(h.scope(), cartToken!)).not.toBeNull();
    h.time.advance(120_000);
    expect(await h.services.carts.guestCart(h.scope(), cartToken!)).toBeNull();
    expect(codes(await h.services.carts.addLine(h.scope(), { variantId: shirt.id, quantity: 1, cartToken }))).toEqual([CartErrorCodes.CART_NOT_FOUND]);
    expect(await h.storedCart(cart.id)).not.toBeNull();
    const swept = await createGuestCartSweeper({ carts: h.deps.carts, clock: h.time.clock, logger: h.logger }).sweep();
    expect(swept).toBeGreaterThanOrEqual(1);
    expect(await h.storedCart(cart.id)).toBeNull();
    expect(await h.storedLines({ cartId: cart.id })).toEqual([]);
  });
});

describe('mergeGuestCart at log-in', () => {
  const guestCart = async (lines: { variantId: string; quantity: number }[]): Promise<CartChange & { cartToken: string }> => {
    let token: string | null = null;
    let last: CartChange | null = null;
    for (const line of lines) {
      last = value(await h.services.carts.addLine(h.scope(), { ...line, cartToken: token }));
      token ??= last.cartToken;
    }
    return { ...last!, cartToken: token! };
  };

  it('adds quantities up, capped by what is available now (never below what the customer had), and deletes the guest cart', async () => {
    const me = h.customer();
    const plenty = h.owners.variant({ stock: 50 });
    const scarce = h.owners.variant({ stock: 4 });
    const gone = h.owners.variant({ stock: 0 });
    const lowAlready = h.owners.variant({ stock: 1 });
    value(await h.services.carts.addLine(h.scope(me), { variantId: scarce.id, quantity: 3 }));
    value(await h.services.carts.addLine(h.scope(me), { variantId: lowAlready.id, quantity: 2 }));
    const guest = await guestCart([
      { variantId: plenty.id, quantity: 2 },
      { variantId: scarce.id, quantity: 5 },
      { variantId: gone.id, quantity: 1 },
      { variantId: lowAlready.id, quantity: 3 },
    ]);
    const merged = value(await h.services.carts.mergeGuestCart(h.scope(me), { cartToken: guest.cartToken }));
    expect(merged.cart.lines.map((line) => [line.variantId, line.quantity])).toEqual([
      [scarce.id, 4],
      [lowAlready.id, 2],
      [plenty.id, 2],
    ]);
    expect(await storedLines(me)).toEqual([
      { variantId: scarce.id, quantity: 4 },
      { variantId: lowAlready.id, quantity: 2 },
      { variantId: plenty.id, quantity: 2 },
    ]);
    expect(await h.storedCart(guest.cart.id)).toBeNull();
    expect(codes(await h.services.carts.mergeGuestCart(h.scope(me), { cartToken: guest.cartToken }))).toEqual([CartErrorCodes.CART_NOT_FOUND]);
  });

  it('refuses a guest cart in another currency than a non-empty customer cart, changing neither', async () => {
    const me = h.customer();
    const euro = h.owners.variant({ currency: 'EUR' });
    const dollars = h.owners.variant({ currency: 'USD' });
    value(await h.services.carts.addLine(h.scope(me), { variantId: euro.id, quantity: 1 }));
    const guest = await guestCart([{ variantId: dollars.id, quantity: 1 }]);
    expect(codes(await h.services.carts.mergeGuestCart(h.scope(me), { cartToken: guest.cartToken }))).toEqual([CartErrorCodes.CART_CURRENCY_MISMATCH]);
    expect(await storedLines(me)).toEqual([{ variantId: euro.id, quantity: 1 }]);
    expect(await h.storedLines({ cartId: guest.cart.id })).toHaveLength(1);
  });

  it('is for signed-in callers only', async () => {
    await expect(h.services.carts.mergeGuestCart(h.scope(), { cartToken: 'A'.repeat(43) })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(h.services.carts.myCart(h.scope())).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
